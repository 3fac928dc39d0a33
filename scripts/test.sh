#!/usr/bin/env bash
# Runs every test of Walkout Archive: formatting and lints, the engine's unit and integration
# tests (real SQLite, Tantivy and files, with crash injection), the UI's type check, and the
# end-to-end tests that drive the real app window (tauri-driver + WebKitWebDriver under Xvfb).
# Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# The engine's native parts: libjpeg-turbo (built by the turbojpeg crate: cmake, nasm), HEIF
# decoding (libheif-dev), and OpenSSL for SQLCipher (libssl-dev). exiftool checks exported images;
# Debian's chromium opens the exhibit site export headless (search, screenshots, no network);
# strace proves the CLI opens no network socket. The app: WebKitGTK. The end-to-end tests: a
# virtual display (xvfb, xauth), WebKitGTK's WebDriver (webkit2gtk-driver), screenshots of the
# display (imagemagick) and X tools (x11-utils). OCR: Tesseract 5 with English and Spanish data,
# and clang for the binding's bindgen.
need_apt build-essential pkg-config sqlite3 libimage-exiftool-perl cmake nasm libssl-dev libheif-dev \
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa libtesseract-dev libleptonica-dev clang libclang-dev \
  libwebkit2gtk-4.1-dev file xvfb xauth webkit2gtk-driver imagemagick x11-utils strace chromium
need_cargo
target="${CARGO_TARGET_DIR:-$PWD/target}"

# tauri-driver, the WebDriver server for Tauri windows, pinned, in the target folder.
tauri_driver="$target/tools/bin/tauri-driver"
if [ ! -x "$tauri_driver" ] || ! grep -q '"tauri-driver 2.1.0 ' "$target/tools/.crates.toml" 2>/dev/null; then
  echo "== installing tauri-driver 2.1.0 into $target/tools"
  # A debug build: it only relays requests, and builds in half the time.
  cargo install tauri-driver --locked --debug --version 2.1.0 --root "$target/tools"
fi
command -v node >/dev/null 2>&1 || need_apt nodejs npm

# The tools that read our exports in the export tests: pyld, bagit-python and rispy in a venv,
# citeproc-js from npm, under target/export-tools (pinned in tests/tools/requirements.txt and
# tests/tools/package.json; reinstalled only when those change).
python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt python3 python3-venv
tools=target/export-tools
stamp="$(cat tests/tools/requirements.txt tests/tools/package.json | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$tools/.installed" 2>/dev/null)" != "$stamp" ]; then
  echo "== installing the export tests' consuming tools into $tools"
  rm -rf "$tools"
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check -r tests/tools/requirements.txt
  mkdir -p "$tools/node"
  cp tests/tools/package.json "$tools/node/package.json"
  npm install --prefix "$tools/node" --no-audit --no-fund --silent
  echo "$stamp" >"$tools/.installed"
fi
export WALKOUT_EXPORT_TOOLS="$PWD/$tools"

echo "== the UI: node modules, type check, build (the app embeds ui/dist)"
need_ui_modules
(cd ui && npm run --silent check && npm run --silent build)

echo "== formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --features walkout/failpoints -- -D warnings

# The reading room is no barrier if a visitor can open the web inspector: a release build has
# one only with the devtools feature of tauri (or of wry under it). Debug builds keep theirs.
echo "== the release app has no web inspector"
if cargo tree -p walkout-app -e features --target all -i tauri -i tauri-runtime-wry -i wry \
  | grep -E '(tauri|tauri-runtime-wry|wry) feature "devtools"'; then
  echo "the devtools feature is on: a release build would open the web inspector" >&2
  exit 1
fi

# The end-to-end tests are left out here and run on their own below: their WebDriver client
# would otherwise change the features (serde_json's preserve_order) the engine is built with.
echo "== engine and CLI tests"
cargo test --workspace --exclude walkout-e2e --features walkout/failpoints

echo "== TypeScript bindings match the Rust types"
bash scripts/check-bindings.sh --features walkout/failpoints

echo "== end-to-end tests: the real app window under Xvfb (screenshots in $target/screenshots)"
# With the tests' features: the engine and every crate under the app are then the ones the
# tests above built, and only the app's own crate is compiled here (no failpoint is set up
# in the app, so they stay inert).
cargo build -p walkout-app --features walkout/failpoints
# No backtraces for the tests' expected errors: symbolising one takes minutes in a debug build.
WALKOUT_APP_BIN="$target/debug/walkout-app" TAURI_DRIVER="$tauri_driver" RUST_LIB_BACKTRACE=0 \
  cargo test -p walkout-e2e
