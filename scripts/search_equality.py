#!/usr/bin/env python3
"""Compares what two builds of `walkout` find, query by query, on copies of one archive.

A change to the index (its schema, its analysers) or to the query builder must not change what
a student finds. This runs a few hundred queries made from the archive's own words (common and
rare words, inflected forms, Spanish words, AND, OR, phrases, prefixes as typed, typos,
exclusions) through both binaries and compares, per query: the total, the full set of matching
items (everything, ordered by date), the top 20 by relevance (as a set and in order), each
hit's snippet and the corrections offered.

    python3 scripts/search_equality.py --old OLD_BIN --new NEW_BIN --archive DIR --words FILE.jsonl

The archive is copied once per binary (a binary may rebuild the index of the copy it opens).
Prints a summary and every difference; exits 1 when a match set or total differs.
"""
import argparse
import collections
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def words_of(path: Path) -> tuple[list[str], list[str], list[list[str]]]:
    """The English and Spanish words of a JSON Lines quote file, and its texts as word lists."""
    english, spanish, texts = collections.Counter(), collections.Counter(), []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        words = re.findall(r"[^\W\d_]+", row.get("text", "").lower())
        texts.append(words)
        (spanish if row.get("lang") == "es" else english).update(w for w in words if len(w) >= 3)
    return [w for w, _ in english.most_common()], [w for w, _ in spanish.most_common()], texts


def queries(english: list[str], spanish: list[str], texts: list[list[str]], seed: int) -> list[str]:
    rng = random.Random(seed)
    pick = lambda pool, n: rng.sample(pool, min(n, len(pool)))  # noqa: E731
    common, middle, rare = english[:300], english[300:3000], english[3000:]
    inflected = [w for w in english[:5000] if re.search(r"(s|ing|ed|ly|ies|ment|tion)$", w)]
    out: list[str] = []
    # Closed words (a trailing space: not a prefix) and words as typed (the last is a prefix).
    out += [w + " " for w in pick(common, 40) + pick(middle, 40) + pick(rare, 20)]
    out += [w + " " for w in pick(inflected, 50)]
    out += [w + " " for w in pick(spanish[:2000], 40)]
    out += pick(middle, 20) + [w[: rng.randint(3, max(3, len(w) - 1))] for w in pick(middle + common, 30)]
    out += [f"{a} {b} " for a, b in zip(pick(common, 30), pick(middle, 30))]
    out += [f"{a} OR {b} " for a, b in zip(pick(middle, 20), pick(spanish[:2000], 20))]
    phrases = []
    for words in pick([t for t in texts if len(t) >= 4], 30):
        at = rng.randrange(len(words) - 1)
        phrases.append(f'"{words[at]} {words[at + 1]}"')
    out += phrases
    typos = []
    for w in pick([w for w in middle if len(w) >= 6], 25):
        i = rng.randrange(1, len(w) - 1)
        typos.append((w[:i] + w[i + 1 :] if rng.random() < 0.5 else w[:i] + w[i + 1] + w[i] + w[i + 2 :]) + " ")
    out += typos
    out += [f"{a} -{b} " for a, b in zip(pick(common, 15), pick(common, 15))]
    return out


def search(binary: str, archive: Path, query: str, *args: str) -> dict:
    run = subprocess.run(
        [binary, "--archive", str(archive), "search", query, "--json", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        return {"error": run.stderr.strip()}
    return json.loads(run.stdout)


def answer(binary: str, archive: Path, query: str) -> dict:
    everything = search(binary, archive, query, "--sort", "date", "--limit", "1000000")
    top = search(binary, archive, query, "--limit", "20")
    if "error" in everything or "error" in top:
        return {"error": everything.get("error") or top.get("error")}
    return {
        "total": everything["total"],
        "all": [h["id"] for h in everything["hits"]],
        "top": [h["id"] for h in top["hits"]],
        "snippets": {h["id"]: h["snippet"] for h in top["hits"]},
        "corrected": top.get("corrected", []),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--archive", required=True, type=Path)
    ap.add_argument("--words", required=True, type=Path, help="the JSON Lines quotes the archive was made from")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", type=int, default=15, help="differences printed per kind")
    a = ap.parse_args()

    english, spanish, texts = words_of(a.words)
    qs = queries(english, spanish, texts, a.seed)
    with tempfile.TemporaryDirectory() as tmp:
        copies = {}
        for name in ("old", "new"):
            copies[name] = Path(tmp) / name
            shutil.copytree(a.archive, copies[name])
        # The first open of each copy may rebuild its index: do it before the comparisons.
        for name, binary in (("old", a.old), ("new", a.new)):
            search(binary, copies[name], "warm")
        counts = collections.Counter()
        shown = collections.Counter()
        for q in qs:
            old = answer(a.old, copies["old"], q)
            new = answer(a.new, copies["new"], q)
            counts["queries"] += 1
            if "error" in old or "error" in new:
                counts["errors"] += 1
                print(f"error {q!r}: old {old.get('error')} new {new.get('error')}")
                continue
            verdicts = {
                "total": old["total"] == new["total"],
                "match set": set(old["all"]) == set(new["all"]),
                "top-20 set": set(old["top"]) == set(new["top"]),
                "top-20 order": old["top"] == new["top"],
                # Each hit both top 20s hold is shown with the same highlighted passage.
                "snippets": all(new["snippets"][i] == s for i, s in old["snippets"].items() if i in new["snippets"]),
                "corrections": old["corrected"] == new["corrected"],
            }
            if old["top"]:
                counts["overlap"] += len(set(old["top"]) & set(new["top"])) / len(old["top"])
                counts["with hits"] += 1
            for kind, same in verdicts.items():
                counts[kind + (" same" if same else " differs")] += 1
                if not same and shown[kind] < a.show:
                    shown[kind] += 1
                    extra = ""
                    if kind in ("total", "match set"):
                        only_old = set(old["all"]) - set(new["all"])
                        only_new = set(new["all"]) - set(old["all"])
                        extra = f" totals {old['total']} → {new['total']}; only old {len(only_old)}, only new {len(only_new)}"
                    elif kind == "top-20 set":
                        extra = f" {len(set(old['top']) & set(new['top']))} of {len(old['top'])} in both"
                    elif kind == "corrections":
                        extra = f" {old['corrected']} → {new['corrected']}"
                    elif kind == "snippets":
                        i = next(i for i, s in old["snippets"].items() if new["snippets"].get(i, s) != s)
                        extra = f"\n    old: {old['snippets'][i]}\n    new: {new['snippets'].get(i)}"
                    print(f"{kind} differs for {q!r}:{extra}")
    print()
    print(f"{counts['queries']} queries, {counts['errors']} errors")
    for kind in ("total", "match set", "top-20 set", "top-20 order", "snippets", "corrections"):
        print(f"  {kind}: {counts[kind + ' same']} same, {counts[kind + ' differs']} differ")
    if counts["with hits"]:
        print(f"  top 20 in both, on average: {100 * counts['overlap'] / counts['with hits']:.1f}%")
    return 1 if counts["match set differs"] or counts["total differs"] or counts["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
