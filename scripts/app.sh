#!/usr/bin/env bash
# Builds and runs the Walkout Archive desktop app on a fresh Debian 12 machine (as root, or
# through sudo): installs the missing Debian packages, the UI's node modules (npm ci), builds
# the UI and the app, then opens the window.
#
#   scripts/app.sh                     the archive in the platform data dir (~/.local/share/walkout);
#                                      a first start creates it with the demo record
#   WALKOUT_ARCHIVE=DIR scripts/app.sh another archive folder (a missing or empty one gets the demo)
#   scripts/app.sh --archive DIR       the same
#   WALKOUT_RELEASE=1 scripts/app.sh   an optimised build (about 8 minutes the first time)
#   WALKOUT_BUILD_ONLY=1 scripts/app.sh  build, do not run
#
# Without a display (no DISPLAY or WAYLAND_DISPLAY) the window opens on a virtual one (Xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# The WebKitGTK stack Tauri needs, what running and inspecting it headless needs, and what the
# engine's native parts build with (libjpeg-turbo: cmake, nasm; HEIF: libheif-dev; SQLCipher: libssl-dev;
# OCR: Tesseract with its English and Spanish data, clang for bindgen).
need_apt libwebkit2gtk-4.1-dev build-essential pkg-config file \
  xvfb xauth webkit2gtk-driver imagemagick xdotool x11-utils \
  cmake nasm libssl-dev libheif-dev tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa libtesseract-dev libleptonica-dev clang libclang-dev
need_cargo

# Vite 8 needs Node.js 20.19 or newer.
if ! command -v node >/dev/null 2>&1; then
  need_apt nodejs npm
fi
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number); console.log(a>20||(a===20&&b>=19)?1:0)')
if [ "$node_ok" != 1 ]; then
  echo "Node.js $(node --version) is too old for the UI build: install Node.js 20.19 or newer" >&2
  exit 1
fi

need_ui_modules

echo "== building the UI" >&2
(cd ui && npm run --silent build)

profile=debug
cargo_flags=()
if [ "${WALKOUT_RELEASE:-}" = 1 ]; then
  profile=release
  cargo_flags+=(--release)
fi
echo "== building the app ($profile)" >&2
cargo build -p walkout-app "${cargo_flags[@]}"
# The binary is where cargo put it: CARGO_TARGET_DIR when set, else target/.
app="${CARGO_TARGET_DIR:-target}/$profile/walkout-app"

if [ "${WALKOUT_BUILD_ONLY:-}" = 1 ]; then
  echo "built $app" >&2
  exit 0
fi

echo "== running $app on ${WALKOUT_ARCHIVE:-the archive in the data dir}" >&2
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "no display: running on a virtual one (xvfb-run)" >&2
  exec xvfb-run -a -s '-screen 0 1280x800x24' "$app" "$@"
fi
exec "$app" "$@"
