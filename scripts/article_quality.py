#!/usr/bin/env python3
"""Article extraction quality: Walkout's HTML importer against trafilatura, side by side.

For every page of each corpus, computes token-level precision, recall and F1 of the extracted
body (lowercase `\\w+` tokens counted with multiplicity; body text only, the true bodies carry no
headline), and the published date: found or not, and right or not where the corpus knows it
(the day must match; trafilatura's date comes from htmldate). Means over pages, per corpus and
per page language, and pages per second, for both extractors in the same run.

Corpora:
- scrapinghub-aeb (default ../shared/corpora/articles/scrapinghub-aeb: html/*.html.gz and
  ground-truth.json with `articleBody` and `url`, MIT). It has no dates: the true date is taken
  from pages whose address spells a full day (`/2019/05/23/`); the others count only as found
  or not, and whether the two extractors agree.
- newspaper4k: the test pages the newspaper4k package ships in its source distribution (MIT;
  tests/data/html, the expected text in tests/data/txt, the date and language in
  tests/data/metadata), fetched from PyPI with pip on first use into target/.

Walkout's side goes through the engine's real extraction (`cargo run --release --example
article_bodies`). trafilatura runs from a venv under target/ (created on first use:
`pip install trafilatura lxml_html_clean`).

    python3 scripts/article_quality.py [--corpus DIR] [--limit N] [--json] [--dates] [--only NAME]

`--dates` lists, page by page, every date walkout gets wrong or misses where the truth is known,
and every page where the two extractors disagree or only one finds a date (with walkout's rule),
so each miss can be traced to its cause.
"""

import argparse
import collections
import gzip
import json
import os
import re
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where cargo puts what it builds: CARGO_TARGET_DIR when set (relative to the repository, as
# cargo reads it here), else target/.
TARGET = ROOT / os.environ.get("CARGO_TARGET_DIR", "target")
VENV = ROOT / "target" / "article-venv"
WORK = TARGET / "article-quality"
TOKEN = re.compile(r"\w+")


def tokens(text):
    return collections.Counter(t.lower() for t in TOKEN.findall(text or ""))


def score(predicted, truth):
    p, t = tokens(predicted), tokens(truth)
    common = sum((p & t).values())
    n_p, n_t = sum(p.values()), sum(t.values())
    precision = common / n_p if n_p else (1.0 if not n_t else 0.0)
    recall = common / n_t if n_t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def venv_python():
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import trafilatura"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "trafilatura", "lxml_html_clean"], check=True)
    return python


TRAFILATURA = r"""
import json, sys, time, trafilatura
for path in sys.argv[1:]:
    html = open(path, 'rb').read()
    started = time.perf_counter()
    out = trafilatura.extract(html, include_comments=False, include_tables=True, with_metadata=True,
                              output_format='json')
    seconds = time.perf_counter() - started
    out = json.loads(out) if out else {}
    print(json.dumps({'file': path, 'body': out.get('text') or '', 'date': out.get('date'), 'seconds': seconds}))
"""

NEWSPAPER = "newspaper4k==0.9.6"
DATE_IN_URL = re.compile(r"/((?:19|20)\d\d)[/-](\d\d)[/-](\d\d)(?:/|-|$)")
LANG = re.compile(rb"<html[^>]*\slang=[\"']?([A-Za-z]{2})", re.I)


def run_lines(command):
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return {r["file"]: r for r in map(json.loads, out.stdout.splitlines())}


def page_language(path):
    found = LANG.search(Path(path).read_bytes()[:20000])
    return found.group(1).decode().lower() if found else "?"


def scrapinghub(corpus, limit):
    """Pages of the scrapinghub benchmark as (id, file, body, date or None, language)."""
    truth = json.loads((corpus / "ground-truth.json").read_text())
    keys = sorted(truth)[: limit or None]
    (WORK / "html").mkdir(parents=True, exist_ok=True)
    pages = []
    for key in keys:
        target = WORK / "html" / f"{key}.html"
        if not target.exists():
            target.write_bytes(gzip.decompress((corpus / "html" / f"{key}.html.gz").read_bytes()))
        day = DATE_IN_URL.search(truth[key].get("url", ""))
        date = "-".join(day.groups()) if day else None
        pages.append((key, str(target), truth[key].get("articleBody", ""), date, page_language(target)))
    return pages


def newspaper4k(limit):
    """The newspaper4k sdist's test pages that have an expected text and metadata."""
    folder = TARGET / "article-corpora"
    data = folder / NEWSPAPER.replace("==", "-") / "tests" / "data"
    if not data.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        "-d", str(folder), NEWSPAPER], check=True)
        with tarfile.open(folder / (NEWSPAPER.replace("==", "-") + ".tar.gz")) as tar:
            tar.extractall(folder, filter="data")
    pages = []
    for html in sorted((data / "html").glob("*.html"))[: limit or None]:
        text, meta = data / "txt" / f"{html.stem}.txt", data / "metadata" / f"{html.stem}.json"
        if not (text.exists() and meta.exists()):
            continue
        m = json.loads(meta.read_text())
        date = (m.get("publish_date") or "")[:10] or None
        lang = m.get("language") or m.get("meta_lang") or page_language(html)
        pages.append((html.stem, str(html), text.read_text(), date, lang))
    return pages


def date_score(predicted, truth):
    """(found, right): right only where the truth is known and the day matches."""
    found = bool(predicted)
    return found, (truth is not None and found and predicted[:10] == truth)


def date_detail(rows):
    """One line per page whose date walkout misses, gets wrong, or disagrees on with trafilatura."""
    print(f"{'':<6}{'page':<24}{'lang':<6}{'truth':<12}{'walkout':<12}{'rule':<14}{'trafilatura':<12}")
    for r in rows:
        ours, theirs = (r["walkout_date"] or "")[:10], (r["trafilatura_date"] or "")[:10]
        if r["date"]:
            if r["walkout_date_right"] and r["trafilatura_date_right"]:
                continue
            kind = "right" if r["walkout_date_right"] else ("wrong" if ours else "miss")
        elif ours == theirs:
            continue
        else:
            kind = "differ" if ours and theirs else ("only-t" if theirs else "only-w")
        print(f"{kind:<6}{r['page'][:23]:<24}{r['lang'][:5]:<6}{r['date'] or '?':<12}{r['walkout_date'] or '-':<12}"
              f"{r['date_rule'] or '-':<14}{theirs or '-':<12}")


def report(name, pages, ours, theirs, ours_wall, theirs_wall, as_json, dates=False):
    rows = []
    for key, path, body, date, lang in pages:
        row = {"page": key, "lang": lang, "date": date}
        for side, results in (("walkout", ours), ("trafilatura", theirs)):
            r = results.get(path, {})
            row[side] = score(r.get("body", ""), body)
            row[side + "_date"] = r.get("date")
            row[side + "_date_found"], row[side + "_date_right"] = date_score(r.get("date"), date)
        row["date_rule"] = ours.get(path, {}).get("date_rule")
        rows.append(row)
    if as_json:
        print(json.dumps(rows, indent=1))
    n = len(rows)
    if dates:
        print(f"\n{name}: dates by page (truth '?' where the corpus does not know it)")
        date_detail(rows)
    print(f"\n{name}: {n} pages (token P/R/F1, lowercase \\w+ with multiplicity, body only; date: the day must match)")
    print(f"{'extractor':<14}{'precision':>10}{'recall':>9}{'F1':>7}{'date found':>12}{'date right':>12}"
          f"{'pages/s (extraction)':>22}{'pages/s (process)':>19}")
    dated = [r for r in rows if r["date"]]
    for side, results, wall in (("walkout", ours, ours_wall), ("trafilatura", theirs, theirs_wall)):
        mean = [sum(r[side][i] for r in rows) / n for i in range(3)]
        found = sum(r[side + "_date_found"] for r in rows) / n
        right = sum(r[side + "_date_right"] for r in dated)
        extraction = sum(results[p[1]]["seconds"] for p in pages if p[1] in results)
        print(f"{side:<14}{mean[0]:>10.3f}{mean[1]:>9.3f}{mean[2]:>7.3f}{found:>12.0%}"
              f"{f'{right}/{len(dated)}':>12}{n / extraction:>22.1f}{n / wall:>19.1f}")
    agree = sum(1 for r in rows if r["walkout_date"] and r["trafilatura_date"]
                and r["walkout_date"][:10] == r["trafilatura_date"][:10])
    both = sum(1 for r in rows if r["walkout_date"] and r["trafilatura_date"])
    print(f"dates found by both: {both}, the same day: {agree}")
    rules = collections.Counter(r["date_rule"] or "none" for r in rows)
    print("walkout's date rules: " + ", ".join(f"{k} {v}" for k, v in rules.most_common()))
    print(f"{'language':<10}{'pages':>6}{'F1 walkout':>12}{'F1 trafilatura':>16}{'dates right (w/t)':>20}")
    for lang in sorted({r["lang"] for r in rows}):
        group = [r for r in rows if r["lang"] == lang]
        f1 = [sum(r[s][2] for r in group) / len(group) for s in ("walkout", "trafilatura")]
        g_dated = [r for r in group if r["date"]]
        rights = "/".join(str(sum(r[s + "_date_right"] for r in g_dated)) for s in ("walkout", "trafilatura"))
        print(f"{lang:<10}{len(group):>6}{f1[0]:>12.3f}{f1[1]:>16.3f}{f'{rights} of {len(g_dated)}':>20}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared/corpora/articles/scrapinghub-aeb"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages of each corpus")
    parser.add_argument("--json", action="store_true", help="per-page scores as JSON")
    parser.add_argument("--dates", action="store_true", help="per-page date misses and disagreements")
    parser.add_argument("--only", choices=["scrapinghub", "newspaper4k"], help="one corpus only")
    args = parser.parse_args()

    corpora = []
    if args.only in (None, "scrapinghub"):
        corpora.append((Path(args.corpus).name, scrapinghub(Path(args.corpus), args.limit)))
    if args.only in (None, "newspaper4k"):
        corpora.append((NEWSPAPER, newspaper4k(args.limit)))

    subprocess.run(["cargo", "build", "-q", "--release", "--example", "article_bodies"], check=True, cwd=ROOT)
    ours_exe = TARGET / "release" / "examples" / "article_bodies"
    python = venv_python()
    for name, pages in corpora:
        files = [p[1] for p in pages]
        started = time.perf_counter()
        ours = run_lines([str(ours_exe), *files])
        ours_wall = time.perf_counter() - started
        started = time.perf_counter()
        theirs = run_lines([str(python), "-c", TRAFILATURA, *files])
        theirs_wall = time.perf_counter() - started
        report(name, pages, ours, theirs, ours_wall, theirs_wall, args.json, args.dates)


if __name__ == "__main__":
    main()
