#!/usr/bin/env bash
# The evidence study of docs/results.md on the synthetic benchmark, in the project's virtual environment:
#   1. the synthetic benchmark and the pretraining source set (data/synthetic_av_{bench,source}, generated when
#      missing), and the audio and video encoders pretrained on the source set (work_dirs/synthetic_pretrain and
#      work_dirs/synthetic_pretrain_video, shared by every row and seed; trained when missing);
#   2. the sound-source localizer (configs/localizer/fnac_r18_synthetic.py; trained on to 800 iterations and
#      restarted once with another seed while its validation misses the target, tools/analysis/train_localizer.py),
#      tested against the centre-box and uniform-map baselines, kept as <work-dir>/localizer/localizer.pth;
#   3. Table 2 in miniature (configs/studies/synthetic_table2.py, 3 seeds, with parameter and GFLOP columns);
#   4. Fig. 4 (confidence threshold sweep) and Fig. 5 (frames per map), one seed each, with their plots.
# Every finished step and run is skipped on a rerun (run_benchmark.py), so an interrupted study picks up where it
# stopped; nothing already written is overwritten.
# Usage: bash tools/analysis/synthetic_study.sh [WORK_DIR]   (default work_dirs/study_synthetic)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PY="$(bash "$ROOT/tools/setup_venv.sh")"
export HF_HUB_OFFLINE=1 PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
cd "$ROOT"
WORK="${1:-work_dirs/study_synthetic}"
LOC_CONFIG=configs/localizer/fnac_r18_synthetic.py
LOC="$WORK/localizer"

for preset in bench:benchmark source:source; do
    dir="data/synthetic_av_${preset%%:*}"
    [ -f "$dir/manifest.json" ] || "$PY" tools/data/synthetic/generate.py "$dir" --preset "${preset#*:}" --workers 2
done
for pretrain in audio:work_dirs/synthetic_pretrain:iter_400 video:work_dirs/synthetic_pretrain_video:iter_600; do
    IFS=: read -r encoder dir ckpt <<< "$pretrain"
    [ -f "$dir/$ckpt.pth" ] || "$PY" tools/train.py "configs/synthetic/pretrain_source_$encoder.py" --work-dir "$dir" \
        $( [ -f "$dir/last_checkpoint" ] && echo --resume )
done

# The config's 400 iterations, then as the main job: on to 800 while validation misses the target, then once afresh.
[ -f "$LOC/localizer.pth" ] || "$PY" tools/analysis/train_localizer.py "$LOC_CONFIG" --work-dir "$LOC" \
    --train-on 800 --restarts 1
[ -d "$LOC/test" ] || "$PY" tools/test.py "$LOC_CONFIG" "$LOC/localizer.pth" --work-dir "$LOC/test"
# No ASL row runs on a localizer that points at the source no better than the centre box.
"$PY" -c "import sys; from mmavssl.studies import check_localizer, read_test_metrics, LOCALIZER_METRICS; \
check_localizer(read_test_metrics(sys.argv[1], LOCALIZER_METRICS)[0], 'Retrain it (delete ' + sys.argv[2] + \
'/localizer.pth, localizer.json and test/).')" "$LOC/test" "$LOC"

status=0
"$PY" tools/analysis/run_benchmark.py --spec configs/studies/synthetic_table2.py --work-dir "$WORK" --resume \
    --out "$WORK/table2" --flops || status=1
declare -A LABEL=([fig4]='confidence threshold tau' [fig5]='frames per localization map')
for fig in fig4 fig5; do
    "$PY" tools/analysis/run_benchmark.py --spec "configs/studies/synthetic_$fig.py" --work-dir "$WORK" --resume \
        --out "$WORK/$fig" || status=1
    [ -f "$WORK/${fig}_sweep.png" ] || "$PY" tools/analysis/plot_sweep.py "$WORK/$fig.json" --param x \
        --label "${LABEL[$fig]}" --out "$WORK/${fig}_sweep.png"
done
exit $status
