"""tools/analysis/paired_table.py: the finished runs of a study, with the paired difference to the baseline."""
import json
from pathlib import Path

import numpy as np
from mmengine.fileio import dump

from toolbox_testing import load_script


def _table(*args):
    return load_script('tools/analysis/paired_table.py').table(*args)


def _run(root: Path, row: str, seed: int, preds, gts, subset: float) -> None:
    run = root / row / f'seed{seed}' / 'test_final'
    (run / '20260101_000000').mkdir(parents=True)
    top1 = float(np.mean(np.array(preds) == np.array(gts)))
    (run / '20260101_000000' / '20260101_000000.json').write_text(
        json.dumps({'acc/top1': top1, 'subset/sound_names_class': subset}))
    dump([dict(pred_score=np.eye(2)[p], gt_label=np.array([g])) for p, g in zip(preds, gts)],
         str(run / 'predictions.pkl'))


def test_table_pairs_each_seed_with_the_baseline_and_skips_unfinished_runs(tmp_path: Path) -> None:
    gts = [0, 1, 0, 1]
    _run(tmp_path, 'start', 0, [0, 0, 0, 0], gts, 0.5)
    _run(tmp_path, 'method', 0, [0, 1, 0, 0], gts, 0.75)
    (tmp_path / 'method' / 'seed1').mkdir()  # half-finished: no test yet
    lines = _table(str(tmp_path), ['method'], 'start', [0, 1]).splitlines()
    assert len(lines) == 4
    assert lines[2].startswith('| start | 0 | 50.00 | 50.00 | - |')
    assert lines[3].startswith('| method | 0 | 75.00 | 75.00 | - | +25.00 [')
