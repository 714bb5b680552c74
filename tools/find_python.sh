#!/usr/bin/env bash
# Print the python the launch scripts run: $PYTHON when set, else the project's environment
# (${MMAVSSL_VENV:-<repository>/.venv}, made by tools/setup_venv.sh) when it exists, else python from PATH.
# Usage: PYTHON="$(bash tools/find_python.sh)"
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${MMAVSSL_VENV:-$ROOT/.venv}"
if [ -n "${PYTHON:-}" ]; then
    echo "$PYTHON"
elif [ -x "$VENV/bin/python" ]; then
    echo "$VENV/bin/python"
else
    echo python
fi
