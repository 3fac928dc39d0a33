#!/usr/bin/env bash
# The desktop app's launch to interactive and idle memory with 100,000 items, against an empty
# Tauri window measured in the same run (BENCHMARKS.md, "App launch and memory").
#
#   scripts/app_bench.sh                       5 launches of each after 1 warm-up each
#   WALKOUT_APP_BENCH_RUNS=9 scripts/app_bench.sh
#   WALKOUT_APP_BENCH_ITEMS=10000 scripts/app_bench.sh   another archive size
#   WALKOUT_APP_BENCH_SKIP_BUILD=1 scripts/app_bench.sh  measure the release binaries already built
#   WALKOUT_CORPUS=DIR scripts/app_bench.sh    quotes from DIR/quotes/quotes_attributed.jsonl
#                                              (default ../shared/corpora; made-up ones without)
#
# Builds the UI and release binaries of walkout-app, walkout-empty-window and the walkout CLI,
# makes the archive once (kept in $CARGO_TARGET_DIR/bench/app-archive-<items>), starts its own
# Xvfb and runs scripts/app_bench.py: a markdown table on stdout, JSON in
# $CARGO_TARGET_DIR/bench/app.json. Needs what scripts/app.sh installs (Xvfb among it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_apt xvfb xauth
need_cargo
need_ui_modules >&2

target="${CARGO_TARGET_DIR:-target}"
runs="${WALKOUT_APP_BENCH_RUNS:-5}"
items="${WALKOUT_APP_BENCH_ITEMS:-100000}"
corpus="${WALKOUT_CORPUS:-../shared/corpora}"

# Rebuilding the UI touches ui/dist, which makes cargo rebuild the app (a few minutes):
# WALKOUT_APP_BENCH_SKIP_BUILD=1 measures the binaries already built.
if [ "${WALKOUT_APP_BENCH_SKIP_BUILD:-}" != 1 ]; then
  echo "== building the UI" >&2
  (cd ui && npm run --silent build) >&2
  echo "== building release binaries" >&2
  cargo build --release -p walkout -p walkout-app -p walkout-empty-window --bins
fi

walkout="$target/release/walkout"
archive="$target/bench/app-archive-$items"
# The archive is made once; a folder whose stats do not say `items` items is made again.
have=$("$walkout" --archive "$archive" stats --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"])' 2>/dev/null || echo 0)
if [ "$have" != "$items" ]; then
  echo "== making an archive of $items quotes in $archive" >&2
  rm -rf "$archive"
  mkdir -p "$target/bench"
  quotes="$target/bench/app-quotes-$items.jsonl"
  python3 scripts/app_bench.py quotes "$quotes" "$items" "$corpus"
  "$walkout" --archive "$archive" init >&2
  "$walkout" --archive "$archive" import "$quotes" >/dev/null
  rm -f "$quotes"
  have=$("$walkout" --archive "$archive" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"])')
  [ "$have" = "$items" ] || { echo "the archive holds $have items, not $items" >&2; exit 1; }
fi

echo "== measuring ($runs launches of each, load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
python3 scripts/app_bench.py measure "$target/release/walkout-app" "$target/release/walkout-empty-window" \
  "$archive" "$target/bench/app.json" --runs "$runs"
