#!/usr/bin/env bash
# Installs what Crosswalk needs on a fresh Debian/Ubuntu machine; skips what is there.
# Usage: scripts/setup.sh [system|node|driver|fuzz|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"

SYSTEM_PACKAGES=(libwebkit2gtk-4.1-dev build-essential libssl-dev libxdo-dev libayatana-appindicator3-dev
  librsvg2-dev pkg-config xvfb xauth webkit2gtk-driver poppler-utils qpdf imagemagick fonts-dejavu-core curl
  zip unzip python3-openpyxl)

system() {
  local missing=()
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

node() {
  command -v npm >/dev/null || { echo "error: npm is required (Node.js 20 or newer)"; exit 1; }
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # `npm install` from the lock file rather than `npm ci`: the registry this
    # project's machines reach lacks some platforms' optional @tauri-apps/cli
    # binaries, so they are not in the lock, and `npm ci` refuses a lock
    # without them. No install scripts: nothing here needs one, and some
    # (webdriver helpers) would try to download browsers.
    npm install --ignore-scripts --no-audit --no-fund
  fi
}

driver() {
  command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
}

fuzz() {
  # Only cargo-fuzz: fuzz/run.sh builds with the stable toolchain
  # (RUSTC_BOOTSTRAP=1 for cargo fuzz's -Z flags), so no nightly is needed.
  # Never fails: without the network the install cannot happen, and the
  # smoke run then says it was skipped (`make fuzz` says what to install).
  cargo fuzz --version >/dev/null 2>&1 && return 0
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked ||
    echo "warning: could not install cargo-fuzz (no network?); the fuzz runs will be skipped" >&2
}

case "$what" in
  system) system ;;
  node) node ;;
  driver) driver ;;
  fuzz) fuzz ;;
  all) system; node; driver; fuzz ;;
  *) echo "usage: $0 [system|node|driver|fuzz|all]"; exit 2 ;;
esac
