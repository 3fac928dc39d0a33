# Shared by scripts/app.sh and scripts/test.sh: install what a fresh Debian 12 machine lacks.
# Sourced, not run.

# Installs the Debian packages that are missing (through sudo when not root).
need_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Makes sure cargo is on PATH (rustup installs it under ~/.cargo/bin).
need_cargo() {
  if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    # Debian 12's own rustc (1.63) is too old for the engine (1.89): rustup's stable toolchain.
    echo "== installing Rust (rustup, stable, minimal profile)" >&2
    need_apt curl ca-certificates build-essential
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component rustfmt,clippy
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  command -v cargo >/dev/null 2>&1 || { echo "cargo is missing and rustup could not install it" >&2; exit 1; }
}

# Installs the UI's node modules when package-lock.json changed since the last install.
need_ui_modules() {
  local lock_sum stamp
  lock_sum=$(sha256sum ui/package-lock.json | cut -d' ' -f1)
  stamp=ui/node_modules/.walkout-lock-sha256
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
    echo "== installing the UI's node modules" >&2
    (cd ui && npm ci --no-audit --no-fund)
    echo "$lock_sum" >"$stamp"
  fi
}
