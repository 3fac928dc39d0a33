#!/usr/bin/env python3
"""Article extraction quality: Walkout's HTML importer against trafilatura, side by side.

For every page of a ground-truth corpus (default ../shared/corpora/articles/scrapinghub-aeb:
html/*.html.gz and ground-truth.json with the true `articleBody`), computes token-level
precision, recall and F1 of the extracted body (lowercase `\\w+` tokens counted with
multiplicity; body text only, the true bodies carry no headline), then the mean over pages and
pages per second, for both extractors in the same run.

Walkout's side goes through the engine's real extraction (`cargo run --release --example
article_bodies`). trafilatura runs from a venv under target/ (created on first use:
`pip install trafilatura lxml_html_clean`).

    python3 scripts/article_quality.py [--corpus DIR] [--limit N] [--json]
"""

import argparse
import collections
import gzip
import json
import os
import re
import subprocess
import sys
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
    body = trafilatura.extract(html, include_comments=False, include_tables=True) or ''
    print(json.dumps({'file': path, 'body': body, 'seconds': time.perf_counter() - started}))
"""


def run_lines(command):
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return {r["file"]: r for r in map(json.loads, out.stdout.splitlines())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared/corpora/articles/scrapinghub-aeb"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--json", action="store_true", help="per-page scores as JSON")
    args = parser.parse_args()

    corpus = Path(args.corpus)
    truth = json.loads((corpus / "ground-truth.json").read_text())
    pages = sorted(truth)
    if args.limit:
        pages = pages[: args.limit]
    (WORK / "html").mkdir(parents=True, exist_ok=True)
    files = []
    for key in pages:
        target = WORK / "html" / f"{key}.html"
        if not target.exists():
            target.write_bytes(gzip.decompress((corpus / "html" / f"{key}.html.gz").read_bytes()))
        files.append(str(target))

    subprocess.run(["cargo", "build", "-q", "--release", "--example", "article_bodies"], check=True, cwd=ROOT)
    ours_exe = TARGET / "release" / "examples" / "article_bodies"
    started = time.perf_counter()
    ours = run_lines([str(ours_exe), *files])
    ours_wall = time.perf_counter() - started
    python = venv_python()
    started = time.perf_counter()
    theirs = run_lines([str(python), "-c", TRAFILATURA, *files])
    theirs_wall = time.perf_counter() - started

    rows = []
    for key, path in zip(pages, files):
        body = truth[key].get("articleBody", "")
        rows.append({
            "page": key,
            "walkout": score(ours.get(path, {}).get("body", ""), body),
            "trafilatura": score(theirs.get(path, {}).get("body", ""), body),
        })
    if args.json:
        print(json.dumps(rows, indent=1))
    n = len(rows)
    print(f"Article extraction, {n} pages of {corpus.name} (token P/R/F1, lowercase \\w+ with multiplicity, body only)")
    print(f"{'extractor':<14}{'precision':>10}{'recall':>10}{'F1':>8}{'pages/s (extraction)':>22}{'pages/s (process)':>19}")
    for name, results, wall in (("walkout", ours, ours_wall), ("trafilatura", theirs, theirs_wall)):
        mean = [sum(r[name][i] for r in rows) / n for i in range(3)]
        extraction = sum(r["seconds"] for r in results.values())
        print(f"{name:<14}{mean[0]:>10.3f}{mean[1]:>10.3f}{mean[2]:>8.3f}{n / extraction:>22.1f}{n / wall:>19.1f}")


if __name__ == "__main__":
    main()
