"""mmavssl.studies.sweep: parameter look-up, aggregation per (group, value), tables and PNG output."""
import math
from pathlib import Path

import pytest

from mmavssl.studies.benchmark import RunRecord, summarize, write_outputs
from mmavssl.studies.sweep import load_runs, param_value, plot_sweep, sweep_markdown, sweep_points


def records():
    """Fig. 4-like study: fixed/flexible threshold x tau_mix in {0.1, 0.5}, two seeds, plus one unrelated row."""
    out = []
    for group, offset in (('fixed', 0.0), ('flexible', 0.1)):
        for tau in (0.5, 0.1):
            for seed in (0, 1):
                out.append(RunRecord(f'{group}_tau_mix={tau}', seed, 'final', 'done', '', group=group,
                                     cfg_options={'model.mixer.tau_mix': tau},
                                     metrics={'acc/top1': 0.5 + offset + tau / 10 + 0.02 * seed}))
    out.append(RunRecord('supervised', 0, 'final', 'done', '', metrics={'acc/top1': 0.3}))
    out.append(RunRecord('fixed_tau_mix=0.9', 0, 'final', 'failed', '', group='fixed', message='boom'))
    return out


def test_param_value_sources() -> None:
    assert param_value(dict(name='n', x=3), 'x') == 3.0
    assert param_value(dict(name='n', cfg_options={'model.mixer.tau_mix': 0.2}), 'tau_mix') == 0.2
    assert param_value(dict(name='flex_frames=8_seedless', cfg_options={}), 'frames') == 8.0
    assert param_value(dict(name='mode=soft', cfg_options={}), 'mode') == 'soft'
    assert param_value(dict(name='n', cfg_options={}), 'frames') is None


def test_sweep_points_aggregate_seeds_per_group() -> None:
    runs = [vars(r) for r in records()]
    points, left_out = sweep_points(runs, 'tau_mix')
    assert left_out == ['supervised']
    assert [(p.group, p.x, p.n) for p in points] == [('fixed', 0.1, 2), ('fixed', 0.5, 2), ('flexible', 0.1, 2),
                                                     ('flexible', 0.5, 2)]
    assert points[1].mean == pytest.approx(0.56) and points[1].std == pytest.approx(0.02 / math.sqrt(2))
    table = sweep_markdown(points, 'tau_mix')
    assert '| fixed | 0.5 | 2 | 56.00 ± 1.41 |' in table and '| flexible | 0.1 | 2 | 62.00 ± 1.41 |' in table
    with pytest.raises(ValueError, match="carries 'frames'"):
        sweep_points(runs, 'frames')
    with pytest.raises(KeyError, match='acc/mean1'):
        sweep_points(runs, 'tau_mix', metric='acc/mean1')


def test_json_and_csv_give_the_same_points(tmp_path: Path) -> None:
    recs = records()
    paths = write_outputs(recs, summarize(recs, ['acc/top1']), tmp_path / 'bench', ['acc/top1'])
    from_json, _ = sweep_points(load_runs(paths['json']), 'tau_mix')
    from_csv, _ = sweep_points(load_runs(paths['csv']), 'tau_mix')
    assert from_json == from_csv
    with pytest.raises(ValueError, match='benchmark .json or .csv'):
        load_runs(tmp_path / 'bench.md')


def test_plot_writes_png(tmp_path: Path) -> None:
    points, _ = sweep_points([vars(r) for r in records()], 'tau_mix')
    out = plot_sweep(points, tmp_path / 'figs' / 'tau.png', 'tau_mix', title='Fig. 4')
    data = out.read_bytes()
    assert data[:8] == b'\x89PNG\r\n\x1a\n' and len(data) > 1000
    text_points, _ = sweep_points([dict(vars(r), x=name) for r, name in zip(records(), ['a', 'b'] * 5)], 'x')
    assert plot_sweep(text_points, tmp_path / 'cat.png', 'variant').stat().st_size > 1000
