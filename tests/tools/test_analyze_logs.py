"""tools/analysis/analyze_logs.py on hand-written mmengine scalar logs."""
import importlib.util
import json
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location('analyze_logs', ROOT / 'tools/analysis/analyze_logs.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(work_dir: Path, stamp: str, rows) -> None:
    folder = work_dir / stamp / 'vis_data'
    folder.mkdir(parents=True)
    (folder / 'scalars.json').write_text(''.join(json.dumps(r) + '\n' for r in rows))


def test_means_fractions_and_newest_training_run(tmp_path: Path) -> None:
    tool = _tool()
    run = tmp_path / 'run'
    _write(run, '20260101_000000', [dict(iter=1, time=9.0, data_time=0.0, loss=1.0)])  # older run: ignored
    rows = [dict(iter=i, time=t, data_time=d, mask_ratio=m)
            for i, t, d, m in ((10, 5.0, 4.0, 0.0), (20, 1.0, 0.25, 0.5), (30, 3.0, 0.75, 1.0))]
    rows.append({'acc/top1': 0.5, 'step': 30})  # a validation record: no iter/time, skipped
    _write(run, '20260102_000000', rows)
    s = tool.summarize_run(tool.load_train_scalars(run), ['mask_ratio', 'absent'], last=2, skip=1)
    assert s['iters'] == 30 and s['time'] == pytest.approx(2.0) and s['data_time'] == pytest.approx(0.5)
    assert s['data_fraction'] == pytest.approx(0.25) and s['mask_ratio'] == pytest.approx(0.75)
    assert math.isnan(s['absent'])
    table = tool.main([str(run), '--keys', 'mask_ratio', '--last', '2', '--skip', '1'])
    assert table.splitlines()[2] == f'| {run} | 30 | 2.000 | 0.500 | 25 % | 0.750 |'


def test_missing_log_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        _tool().load_train_scalars(tmp_path)
