"""tools/analysis/analyze_logs.py on hand-written mmengine scalar logs."""
import json
import math
from pathlib import Path

import pytest

from toolbox_testing import load_script


def _tool():
    return load_script('tools/analysis/analyze_logs.py')


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


def _semi_run(work_dir: Path) -> None:
    rows = [dict(iter=i, time=t, data_time=0.1, loss=2.0 / i, mask_ratio=0.1 * i, pseudo_acc=0.5)
            for i, t in ((10, 9.0), (20, 1.0), (30, 3.0))]
    rows.insert(2, {'acc/top1': 0.4, 'step': 20})
    _write(work_dir, '20260102_000000', rows)


def test_plot_curve_draws_training_and_validation_scalars(tmp_path: Path) -> None:
    import cv2

    tool = _tool()
    _semi_run(tmp_path / 'a')
    _semi_run(tmp_path / 'b')
    rows = tool.load_run_scalars(tmp_path / 'a')
    assert tool.curve(rows, 'acc/top1') == ([20.0], [0.4]) and tool.curve(rows, 'loss')[0] == [10.0, 20.0, 30.0]
    out = tmp_path / 'curves.png'
    tool.main(['plot_curve', str(tmp_path / 'a'), str(tmp_path / 'b'), '--keys', 'loss', 'acc/top1', 'mask_ratio',
               '--legend', 'A', 'B', '--out', str(out)])
    image = cv2.imread(str(out))
    assert image.shape == (3 * 260, 700, 3) and image.std() > 0
    with pytest.raises(SystemExit):
        tool.main(['plot_curve', str(tmp_path / 'a'), '--out', str(out)])  # exists
    with pytest.raises(KeyError, match="no run logs \\['absent'\\]"):
        tool.main(['plot_curve', str(tmp_path / 'a'), '--keys', 'absent', '--out', str(tmp_path / 'x.png')])


def test_cal_train_time_drops_the_start_up_window(tmp_path: Path) -> None:
    tool = _tool()
    _semi_run(tmp_path / 'a')
    t = tool.train_time(tool.load_train_scalars(tmp_path / 'a'))
    assert t['mean'] == pytest.approx(2.0) and t['std'] == pytest.approx(1.0) and t['total'] == pytest.approx(60)
    assert (t['slowest_iter'], t['fastest_iter']) == (30, 20)
    text = tool.main(['cal_train_time', str(tmp_path / 'a'), '--include-outliers'])
    assert 'slowest iter window ends at 10: 9.0000 s/iter' in text and 'average iter time: 4.3333' in text
