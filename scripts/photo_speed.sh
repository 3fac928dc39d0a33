#!/usr/bin/env bash
# Photo import speed, BENCHMARKS.md "Photo import": Walkout's import (read, SHA-256, EXIF,
# decode, 320 px and 1600 px thumbnails, store, commit) on one thread and on every core, against
# the script a person would write: `sha256sum` + ImageMagick `convert -auto-orient -thumbnail
# 256x256`, one process per core. Needs ImageMagick (apt-get install imagemagick).
#
#   bash scripts/photo_speed.sh DIR...   (folders of JPEGs; try 12-megapixel ones:
#                                          convert -size 4000x3000 plasma: x.jpg)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 DIR..." >&2; exit 1; }
cargo build -q --release --example import_speed
cores=$(nproc)
mapfile -t files < <(find "$@" -type f \( -iname '*.jpg' -o -iname '*.jpeg' \) | sort)
n=${#files[@]}
echo "${n} JPEGs, ${cores} cores"
for threads in 1 "$cores"; do
  echo -n "walkout import, ${threads} thread(s): "
  "${CARGO_TARGET_DIR:-target}/release/examples/import_speed" --threads "$threads" "$@"
done
# The same import beside another program's unwritten gigabyte (a phone's folder still being
# copied) on the disk that holds the archive (the example's archive is in the temp folder): the
# import's fsyncs make its own files durable and must not wait for that gigabyte.
beside=$(mktemp -p "${TMPDIR:-/tmp}" unwritten.XXXXXX)
trap 'rm -f "$beside"' EXIT
sync
dd if=/dev/zero of="$beside" bs=1M count=1024 status=none
echo -n "walkout import, 1 thread(s), beside 1 GiB another program has not yet written: "
"${CARGO_TARGET_DIR:-target}/release/examples/import_speed" --threads 1 "$@"
rm -f "$beside"
sync
out=$(mktemp -d)
# One thread per convert, so that N processes use N cores (ImageMagick's OpenMP would otherwise
# spread one process over every core and blur the per-core figure).
export MAGICK_THREAD_LIMIT=1
script() {
  local jobs=$1
  local started ended
  started=$(date +%s.%N)
  printf '%s\0' "${files[@]}" | xargs -0 -P "$jobs" -I{} sh -c \
    'sha256sum "$1" > /dev/null && convert "$1" -auto-orient -thumbnail 256x256 "$2/$(basename "$1").thumb.jpg"' _ {} "$out"
  ended=$(date +%s.%N)
  echo "sha256sum + convert, ${jobs} process(es) at once: $(echo "$n / ($ended - $started)" | bc -l | xargs printf '%.2f') photos/s"
}
script 1
script "$cores"
rm -rf "$out"
