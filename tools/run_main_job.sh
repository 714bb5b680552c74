#!/usr/bin/env bash
# The README's main job, in the project's virtual environment (created on first use):
# synthetic audio-visual dataset -> sound-source localizer -> supervised-only baseline and ASL-guided
# semi-supervised training (1 labeled clip per class) -> test, printing both top-1 accuracies.
# Usage: bash tools/run_main_job.sh [tools/main_job.py options]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$(bash "$ROOT/tools/setup_venv.sh")"
export HF_HUB_OFFLINE=1 PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
cd "$ROOT"
exec "$PY" tools/main_job.py "$@"
