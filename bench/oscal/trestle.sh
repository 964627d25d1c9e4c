#!/usr/bin/env bash
# Makes (once) a venv with compliance-trestle and runs the trestle side of
# `crosswalk-bench oscal`. Usage: bench/oscal/trestle.sh VENV CATALOG RUNS
set -euo pipefail
venv="$1"; catalog="$2"; runs="$3"
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import trestle' 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q compliance-trestle >&2
fi
exec "$venv/bin/python" "$here/trestle_load.py" "$catalog" "$runs"
