#!/usr/bin/env bash
# Runs the desktop end-to-end suite: starts a virtual display (Xvfb) and
# tauri-driver, runs the specs against the debug app, and stops both again.
# Needs: the app and CLI built (make build), xvfb, webkit2gtk-driver, tauri-driver.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
display="${E2E_DISPLAY:-:99}"
# E2E_PORT lets several runs share a machine: tauri-driver listens there and
# WebKitWebDriver on the next port.
port="${E2E_PORT:-4444}"
export E2E_PORT="$port"
logs="${TMPDIR:-/tmp}/crosswalk-e2e-logs"
mkdir -p "$logs" "$here/screenshots"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

if ! command -v tauri-driver >/dev/null; then
  echo "error: tauri-driver is not installed (cargo install tauri-driver --locked)" >&2
  exit 1
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "error: port $port is taken; stop the other tauri-driver first" >&2
  exit 1
fi

# A display of our own: pick a free one when :99 is taken.
n="${display#:}"
while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
display=":$n"
Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >"$logs/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
export DISPLAY="$display"

# WebDriver cannot drive a native file dialog, so the specs type their
# fixture paths; a debug build accepts typed paths only with this set (see
# src-tauri/src/paths.rs). Release builds ignore it.
export CROSSWALK_E2E_TYPED_PATHS=1

tauri-driver --port "$port" --native-port "$((port + 1))" >"$logs/tauri-driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

cd "$here"
echo "screenshots go to $here/screenshots"
status=0
if [ "$#" -eq 0 ]; then set -- specs/; fi
node --test --test-concurrency=1 --test-timeout=300000 "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- tauri-driver log (last 40 lines) ---" >&2
  tail -n 40 "$logs/tauri-driver.log" >&2 || true
fi
exit "$status"
