#!/usr/bin/env bash
# Fails when the committed TypeScript bindings (ui/src/bindings) differ from what the Rust
# types generate: regenerates them, then asks git whether anything changed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# The app crate embeds ui/dist when it compiles, so the UI must be built first.
if [ ! -f ui/dist/index.html ]; then
  need_ui_modules
  (cd ui && npm run --silent build)
fi
# Extra cargo arguments pass through (test.sh gives its tests' features, so nothing rebuilds).
cargo test -p walkout-app "$@" --quiet export_bindings
if ! git diff --exit-code --stat -- ui/src/bindings || [ -n "$(git ls-files --others --exclude-standard ui/src/bindings)" ]; then
  git status --short -- ui/src/bindings >&2
  echo "ui/src/bindings is out of date: commit the regenerated files (cargo test -p walkout-app export_bindings)" >&2
  exit 1
fi
echo "bindings up to date"
