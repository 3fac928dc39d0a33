#!/usr/bin/env bash
# Fuzzes the engine's parsers of untrusted input with libFuzzer (cargo fuzz), each target for a
# bounded time: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...] (default 300 s, every target).
# Not part of scripts/test.sh (CI has no hours to spare); every crash it finds becomes a
# regression test in tests/fuzz_regressions.rs, named after what it found.
#
# Works on the stable compiler: RUSTC_BOOTSTRAP=1 unlocks the nightly flags cargo fuzz passes
# (sanitizer, coverage). FUZZ_SANITIZER=none runs without AddressSanitizer.
# Corpora grow in fuzz/corpus/<target>, crashes land in fuzz/artifacts/<target>, logs in
# fuzz/logs/<target>.log (all ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_cargo

seconds=${1:-300}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(photo html_article pdf_article quote_sheet bag edtf_date search_query)
fi
sanitizer=${FUZZ_SANITIZER:-address}
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked

corpus() { mkdir -p "fuzz/corpus/$1" && echo "fuzz/corpus/$1"; }
seed() { # seed TARGET NAME CONTENT: a seed file, written once
  local file
  file="$(corpus "$1")/seed-$2"
  [ -e "$file" ] || printf '%b' "$3" >"$file"
}

# Seeds: the repository's own test files, a few written here, and a bag exported from the demo
# record by the walkout binary.
cp -n tests/data/photos/*.jpg tests/data/photos/*.png tests/data/photos/*.webp tests/data/photos/*.heif \
  "$(corpus photo)/" 2>/dev/null || true
seed html_article article.html '<!DOCTYPE html><html lang="en"><head><title>Walkout</title><meta property="og:site_name" content="Daily"></head><body><article><h1>Students walk out</h1><p class="byline">By Ana Ruiz</p><p>Thousands of students left class on Friday to march to city hall with banners.</p><p>Organizers planned it for weeks.</p></article></body></html>'
seed html_article nested.html '<html><body><div><div><span><b><i>deep</i></b></span></div></div><script>if (a<b) {}</script><!-- c --></body></html>'
seed pdf_article text.pdf '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n4 0 obj\n<< /Length 52 >>\nstream\nBT /F1 12 Tf 72 720 Td (Students walk out) Tj ET\nendstream\nendobj\n5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n'
cp -n tests/data/quotes/*.jsonl "$(corpus quote_sheet)/" 2>/dev/null || true
seed quote_sheet sheet.csv 'Quote;By;Location;Date;Tags;Sensitivity\n"Line one\nline two";Ana;Minneapolis;2026-01-30?;walkout, ice;public\n;Nobody;;;;\n'
seed quote_sheet sheet.json '{"quotes": [{"text": "No more silence", "speaker": "Luis", "date": "2026-01/2026-02", "tags": ["a", "b"], "consent": "granted"}, 3]}'
for date in 2026 2026-01 2026-01-30 '2026-01-30?' '2026-01~' '2026-01%' 202X 2026-XX-30 2026-01/2026-02 '../2026' '2026/..' '-0044-03-15'; do
  seed edtf_date "$(printf '%s' "$date" | tr -c 'A-Za-z0-9-' '_')" "$date"
done
seed search_query words '\000twin cities'
seed search_query phrase '\001"students walked" -seattle'
seed search_query or '\022walkout OR protest stud'
seed search_query typo '\063minneapolsi'
if [ ! -e "$(corpus bag)/seed-demo.zip" ]; then
  scratch=$(mktemp -d)
  cargo run --quiet --bin walkout -- --archive "$scratch/a" init --demo >/dev/null
  cargo run --quiet --bin walkout -- --archive "$scratch/a" export --format bagit --zip "$scratch/bag.zip" >/dev/null
  cp "$scratch/bag.zip" "$(corpus bag)/seed-demo.zip"
  rm -rf "$scratch"
fi

echo "== building the fuzz targets (sanitizer: $sanitizer)"
cargo fuzz build --fuzz-dir fuzz --sanitizer "$sanitizer"

mkdir -p fuzz/logs
summary=()
status=0
for target in "${targets[@]}"; do
  mkdir -p "fuzz/artifacts/$target"
  before=$(find "fuzz/artifacts/$target" -type f | wc -l)
  echo "== fuzzing $target for $seconds s"
  started=$(date +%s)
  # A crash stops this target's run (its input is saved); the other targets still run.
  if ! cargo fuzz run --fuzz-dir fuzz --sanitizer "$sanitizer" "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 -print_final_stats=1 \
    >"fuzz/logs/$target.log" 2>&1; then
    status=1
  fi
  took=$(($(date +%s) - started))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "fuzz/logs/$target.log" | grep -o '[0-9]*$' | tail -1)
  found=$(($(find "fuzz/artifacts/$target" -type f | wc -l) - before))
  summary+=("$(printf '%-14s %6s s %12s runs %3s new crashes' "$target" "$took" "${runs:-?}" "$found")")
done

echo "== summary (crashes in fuzz/artifacts/<target>, logs in fuzz/logs)"
printf '%s\n' "${summary[@]}"
exit $status
