#!/usr/bin/env bash
# Runs the benchmarks (BENCHMARKS.md): the engine against SQLite FTS5 and bare Tantivy on the
# same data in the same run. Prints markdown tables; writes target/bench/results.json.
#
#   bash scripts/bench.sh                                  # 10k and 100k, generated text
#   bash scripts/bench.sh --corpus ../shared/corpora       # real quotes and article passages
#   bash scripts/bench.sh --tier 10k,100k,1m --corpus ../shared/corpora
#
# Tiers: --tier or WALKOUT_BENCH_TIERS (10k, 100k, 1m or a number). Corpus: --corpus or
# WALKOUT_CORPUS. --search-seconds S sets the time per query and engine (default 2); --keep
# leaves the tiers' archives in target/bench/work.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_apt build-essential pkg-config cmake nasm libssl-dev libheif-dev tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa libtesseract-dev libleptonica-dev clang libclang-dev
need_cargo

cargo bench --bench walkout -- "$@"
