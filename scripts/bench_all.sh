#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one run, one after the other on a quiet machine:
#   1. the engine harness: search, import, reindex and unlock against SQLite FTS5 and bare
#      Tantivy (scripts/bench.sh, tiers as given);
#   2. photo import against `sha256sum` + ImageMagick (scripts/photo_speed.sh) on 12-megapixel
#      JPEGs made here (6 with 4:4:4 and 6 with 4:2:0 chroma) and, with a corpus, on its real
#      camera files;
#   3. article extraction against trafilatura (scripts/article_quality.py; needs the corpus);
#   3b. OCR against plain tesseract (scripts/ocr_quality.py; a set built from the corpus photos);
#   4. the app's launch to interactive and memory against an empty Tauri window
#      (scripts/app_bench.sh).
# Everything printed is also kept in $target/bench/all.md.
#
#   bash scripts/bench_all.sh [--corpus DIR] [--tier 10k,100k,1m]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_apt imagemagick bc

corpus=""
tiers="10k,100k,1m"
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) corpus=$2; shift 2 ;;
    --tier) tiers=$2; shift 2 ;;
    *) echo "unknown option $1 (--corpus DIR, --tier LIST)" >&2; exit 2 ;;
  esac
done
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$target/bench"
log="$target/bench/all.md"
: >"$log"
say() { echo "$@" | tee -a "$log"; }

say "# All benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
say "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"

say "## 1. Engine: search, import, reindex, unlock (tiers $tiers)"
args=(--tier "$tiers")
[ -n "$corpus" ] && args+=(--corpus "$corpus")
bash scripts/bench.sh "${args[@]}" 2>&1 | tee -a "$log"

say "## 2. Photo import (load $(cut -d' ' -f1-3 /proc/loadavg))"
big="$target/bench/photos-12mp"
if [ "$(find "$big" -name '*.jpg' 2>/dev/null | wc -l)" -lt 12 ]; then
  mkdir -p "$big"
  for i in 1 2 3 4 5 6; do
    convert -seed "$i" -size 4000x3000 plasma: -quality 92 -sampling-factor 1x1 "$big/plasma-444-$i.jpg"
    convert "$big/plasma-444-$i.jpg" -quality 92 -sampling-factor 2x2 "$big/plasma-420-$i.jpg"
  done
fi
say "### 12-megapixel JPEGs ($big)"
bash scripts/photo_speed.sh "$big" 2>&1 | tee -a "$log"
if [ -n "$corpus" ] && [ -d "$corpus/photos/exif-samples/jpg" ]; then
  say "### Real camera JPEGs ($corpus/photos/exif-samples/jpg)"
  bash scripts/photo_speed.sh "$corpus/photos/exif-samples/jpg" 2>&1 | tee -a "$log"
fi

if [ -n "$corpus" ] && [ -d "$corpus/articles/scrapinghub-aeb" ]; then
  say "## 3. Article extraction (load $(cut -d' ' -f1-3 /proc/loadavg))"
  python3 scripts/article_quality.py --corpus "$corpus/articles/scrapinghub-aeb" 2>&1 | tee -a "$log"
else
  say "## 3. Article extraction: skipped (needs --corpus with articles/scrapinghub-aeb)"
fi

if [ -n "$corpus" ] && [ -d "$corpus/photos" ]; then
  say "## 3b. OCR: signs on real photos and scanned pages (load $(cut -d' ' -f1-3 /proc/loadavg))"
  cargo build --release --quiet --bin walkout
  set_dir="$target/ocr-quality/set"
  [ -f "$set_dir/truth.json" ] || python3 scripts/ocr_quality.py --build "$set_dir" --photos "$corpus/photos" 2>&1 | tee -a "$log"
  python3 scripts/ocr_quality.py --set "$set_dir" --walkout "$target/release/walkout" 2>&1 | tee -a "$log"
else
  say "## 3b. OCR: skipped (needs --corpus with photos)"
fi

say "## 4. App launch and memory (load $(cut -d' ' -f1-3 /proc/loadavg))"
bash scripts/app_bench.sh 2>&1 | tee -a "$log"
say "Load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
