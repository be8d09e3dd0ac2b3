#!/usr/bin/env bash
# The benchmark in one command (docs/PERFORMANCE.md): bash bench/run.sh [--quick] [--faults] [--mixed]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet -r requirements.txt
exec .venv/bin/python bench/run.py "$@"
