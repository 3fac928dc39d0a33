#!/usr/bin/env bash
# Runs every test of Walkout Archive: formatting and lints, the engine's unit and integration
# tests (real SQLite, Tantivy and files, with crash injection). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_apt build-essential pkg-config sqlite3
need_cargo

echo "== formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --features walkout/failpoints -- -D warnings

echo "== engine and CLI tests"
cargo test --workspace --features walkout/failpoints
