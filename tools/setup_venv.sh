#!/usr/bin/env bash
# Create (or reuse) the project's virtual environment .venv with the pinned dependency set, and install
# mmavssl into it in editable mode. Re-installs only when requirements/*.txt or setup.py changed.
# Usage: bash tools/setup_venv.sh   (prints the path of the environment's python on its last line)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${MMAVSSL_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
stamp_of() { cat "$ROOT"/requirements/*.txt "$ROOT/setup.py" | sha256sum | cut -d' ' -f1; }
if [ ! -x "$VENV/bin/python" ]; then
    echo "[setup_venv] creating $VENV" >&2
    "$PY" -m venv "$VENV"
fi
want="$(stamp_of)"
if [ "$(cat "$VENV/.mmavssl-stamp" 2>/dev/null)" != "$want" ]; then
    echo "[setup_venv] installing the pinned set into $VENV (about 2 minutes the first time)" >&2
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT[tests,optional]" >&2
    echo "$want" > "$VENV/.mmavssl-stamp"
fi
echo "$VENV/bin/python"
