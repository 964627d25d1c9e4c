#!/usr/bin/env bash
# Runs the desktop end-to-end suite: the real app under Xvfb, driven through
# tauri-driver and WebKitWebDriver. Starts and stops both itself.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CARGO_TARGET_DIR:=$HOME/.cache/crosswalk-target}"
export CROSSWALK_APP="${CROSSWALK_APP:-$CARGO_TARGET_DIR/debug/crosswalk-app}"
export CROSSWALK_CLI="${CROSSWALK_CLI:-$CARGO_TARGET_DIR/debug/crosswalk}"
display=":${E2E_DISPLAY:-99}"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ] || [ -n "${CI:-}" ]; then
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  pids+=($!)
  export DISPLAY="$display"
  sleep 1
fi
tauri-driver >/tmp/crosswalk-tauri-driver.log 2>&1 &
pids+=($!)
for _ in $(seq 50); do (echo >/dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.2; done
npm run test:e2e
