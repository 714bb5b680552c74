#!/usr/bin/env bash
# Paper-size GPU benchmark of docs/benchmarks.md in one script (one GPU, about 10 minutes on an H100 / H200).
# Usage: bash tools/analysis/gpu_benchmark.sh [WORK_DIR]        (PYTHON=... to pick the interpreter)
#   1. one training step, TubeToken against ASL (localizer map pass as configured, and with torch.compile),
#      bf16 (AmpOptimWrapper of the benchmark config), 1 labeled + 5 unlabeled clips: s / step, ratio, peak memory
#   2. 300 iterations through tools/dist_train.sh with 1 process and 16 workers on the synthetic set at
#      320 x 240: s / iteration, data-wait fraction, peak memory (mmengine's `memory`), mask ratio
#   3. the same with mmengine's torch.compile of the model (compile=True)
#   4. GFLOPs per iteration (model FLOP utilisation = GFLOPs x it/s / the GPU's bf16 peak)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
WORK=${1:-work_dirs/gpu_bench}
PY=${PYTHON:-python}
CONFIG=configs/benchmarks/ucf51_asl_1shot_synthetic320.py
mkdir -p "$WORK"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" HF_HUB_OFFLINE=1

"$PY" tools/analysis/benchmark_step.py "$CONFIG" --device cuda --iters 30 --warmup 3 \
    --map-passes config config+compile --localizer-passes reference config config+compile | tee "$WORK/step.txt"

[ -f data/synthetic_av_320/classes.txt ] || "$PY" tools/data/synthetic/generate.py data/synthetic_av_320 --gpu-preset --workers 8
PYTHON="$PY" bash tools/dist_train.sh "$CONFIG" 1 --work-dir "$WORK/eager" --cfg-options train_dataloader.num_workers=16
PYTHON="$PY" bash tools/dist_train.sh "$CONFIG" 1 --work-dir "$WORK/compiled" \
    --cfg-options train_dataloader.num_workers=16 compile=True
"$PY" tools/analysis/analyze_logs.py "$WORK/eager" "$WORK/compiled" --keys memory mask_ratio --last 100 --skip 5 \
    | tee "$WORK/train.txt"
"$PY" tools/analysis/get_flops.py "$CONFIG" | tee "$WORK/flops.txt"
