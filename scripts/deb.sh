#!/usr/bin/env bash
# Builds the Debian package with the Tauri bundler, then checks that it installs and runs:
# installs it (as root), starts the installed app on a temporary archive on its own Xvfb, waits
# for it to be interactive, takes a screenshot, and removes the package again.
#
#   scripts/deb.sh               build + install check
#   WALKOUT_DEB_BUILD_ONLY=1 scripts/deb.sh
#
# The package lands in $CARGO_TARGET_DIR/release/bundle/deb (target/ without it), the screenshot
# in $CARGO_TARGET_DIR/screenshots/deb-installed.png. Not part of scripts/test.sh: a release
# build takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_apt libwebkit2gtk-4.1-dev build-essential pkg-config file xvfb xauth imagemagick \
  cmake nasm libssl-dev libheif-dev tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa libtesseract-dev libleptonica-dev clang libclang-dev
need_cargo
need_ui_modules >&2

target="$(cd "${CARGO_TARGET_DIR:-target}" 2>/dev/null && pwd || echo "$PWD/target")"
export CARGO_TARGET_DIR="$target"
(cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb)
deb=$(ls -t "$target"/release/bundle/deb/*.deb | head -1)
echo "== $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --field "$deb" Package Version Depends Maintainer
dpkg-deb --contents "$deb" | grep -v '^d' | sed -E 's/^([^ ]+ +){5}//'
[ "${WALKOUT_DEB_BUILD_ONLY:-}" = 1 ] && exit 0

[ "$(id -u)" -eq 0 ] || { echo "the install check needs root (dpkg -i)" >&2; exit 1; }
package=$(dpkg-deb --field "$deb" Package)
work=$(mktemp -d)
xvfb_pid="" app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  dpkg -s "$package" >/dev/null 2>&1 && dpkg -r "$package" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

apt-get install -y -qq "$deb" >/dev/null 2>&1 || dpkg -i "$deb"
binary=$(dpkg -L "$package" | grep '^/usr/bin/' | head -1)
echo "== installed $package: $binary"

display=90
while [ -e "/tmp/.X$display-lock" ] || [ -e "/tmp/.X11-unix/X$display" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done

DISPLAY=":$display" WALKOUT_REPORT_READY=1 "$binary" --archive "$work/archive" 2>"$work/stderr" &
app_pid=$!
for _ in $(seq 300); do grep -q ': interactive' "$work/stderr" && break; sleep 0.1; done
grep ': interactive' "$work/stderr" || { echo "the installed app did not become interactive:" >&2; cat "$work/stderr" >&2; exit 1; }
sleep 1
mkdir -p "$target/screenshots"
DISPLAY=":$display" import -window root "$target/screenshots/deb-installed.png"
echo "== screenshot: $target/screenshots/deb-installed.png"
kill "$app_pid"
wait "$app_pid" 2>/dev/null || true
app_pid=""
dpkg -r "$package" >/dev/null
echo "== removed $package; the package installs and runs"
