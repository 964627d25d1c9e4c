#!/usr/bin/env bash
# Builds every fuzz target once and runs each for SECONDS with libFuzzer,
# seeded by fuzz/seeds.sh; prints one line per target (runs, seconds, corpus
# size) and fails if any target crashed, timed out or ran out of memory. The
# input that did it is in fuzz/artifacts/<target>/: make it a test
# (core/tests/fuzz_regressions.rs) and fix the bug.
#
# Usage: fuzz/run.sh SECONDS [TARGET...]      (default: every target)
#        FUZZ_SMOKE=1 fuzz/run.sh 5            (CI: skip, loudly, without cargo-fuzz)
#
# cargo fuzz passes -Z flags to rustc. They need a nightly compiler, or
# RUSTC_BOOTSTRAP=1, which lets the stable compiler accept them: set here so
# the stable toolchain that builds everything else builds this too (no second
# toolchain to download on CI). The build goes to $CARGO_TARGET_DIR/fuzz.
set -euo pipefail
secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

if ! cargo fuzz --version >/dev/null 2>&1; then
  if [ "${FUZZ_SMOKE:-}" = 1 ]; then
    echo "warning: cargo-fuzz is not installed and could not be (scripts/setup.sh fuzz needs the network once); fuzz smoke run SKIPPED" >&2
    exit 0
  fi
  echo "error: cargo-fuzz is not installed; run scripts/setup.sh fuzz (cargo install cargo-fuzz --locked)" >&2
  exit 1
fi

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/crosswalk-target}/fuzz"
# The fuzz crate is its own workspace: start from the main lock file, again
# whenever that one changes, so it builds the same versions as everything
# else (cargo adds libfuzzer-sys and drops what the fuzz crate does not use).
[ fuzz/Cargo.lock -nt Cargo.lock ] || cp Cargo.lock fuzz/Cargo.lock

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi

# One build for all targets. Release with debug assertions and overflow
# checks (cargo fuzz's default), AddressSanitizer off: the code is safe Rust
# (and bundled C SQLite is not instrumented either way), and without it runs
# are several times faster and need no sanitizer runtime in the toolchain.
build_flags=(--fuzz-dir fuzz --sanitizer none --debug-assertions)
if [ $# -eq 1 ]; then
  cargo fuzz build "${build_flags[@]}" "$1"
else
  cargo fuzz build "${build_flags[@]}"
fi

bin_dir=$CARGO_TARGET_DIR/$(rustc -vV | sed -n 's/^host: //p')/release
failed=()
for t in "${targets[@]}"; do
  corpus=fuzz/corpus/$t
  fuzz/seeds.sh "$t" "$corpus"
  mkdir -p "fuzz/artifacts/$t"
  log=$(mktemp)
  start=$(date +%s.%N)
  status=0
  # The binary itself, not `cargo fuzz run`: that would re-check the build
  # before every target (and rebuild everything if a source changed meanwhile).
  "$bin_dir/$t" -artifact_prefix="fuzz/artifacts/$t/" "$corpus" \
    -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  files=$(find "$corpus" -type f | wc -l)
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    tail -n 40 "$log"
    echo "fuzz $t: FAILED after ${took} s (exit $status); the input is in fuzz/artifacts/$t/"
  else
    echo "fuzz $t: ${runs:-?} runs in ${took} s, no crash; corpus $files files"
  fi
  rm -f "$log"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "error: fuzz targets failed: ${failed[*]}" >&2
  exit 1
fi
