"""mmavssl.studies.report: statistics, complexity columns, paired tables, the main job's summary, and sweeps
(parameter look-up, aggregation per (group, value), tables and PNG output)."""
import math
from pathlib import Path

import pytest

from mmavssl.studies.report import (entry_complexity, format_summary, load_runs, markdown_table, mean_std,
                                    model_complexity, paired_table, param_value, plot_sweep, summarize,
                                    sweep_markdown, sweep_points, write_outputs)
from mmavssl.studies.spec import BenchmarkEntry, RunRecord, predictions_path

FAKE_TOOLS = Path(__file__).resolve().parent / 'fake_tools'
DATA_DIR = Path(__file__).resolve().parents[1] / 'data'
TOY_CONFIG = str(DATA_DIR / 'configs' / 'toy_iter.py')


def test_mean_std_is_sample_std() -> None:
    mean, std = mean_std([1.0, 2.0, 3.0, 4.0])
    assert mean == 2.5 and math.isclose(std, math.sqrt(5 / 3))
    assert mean_std([0.3]) == (0.3, None)


def test_complexity_columns_and_graceful_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FAKE_TOOLS))
    monkeypatch.syspath_prepend(str(DATA_DIR))  # the toy config's custom_imports
    entries = [BenchmarkEntry('a', TOY_CONFIG), BenchmarkEntry('b', TOY_CONFIG, {'model.num_classes': 7})]
    assert entry_complexity(entries, 'complexity:num_classes') == {'a': {'classes': 4.0}, 'b': {'classes': 7.0}}
    with pytest.warns(UserWarning, match='cannot import no_such_module:fn'):
        assert entry_complexity(entries, 'no_such_module:fn') == {}
    with pytest.warns(UserWarning, match='needs a module that is missing'):
        assert entry_complexity(entries, 'complexity:needs_missing_module') == {}
    rows = summarize([RunRecord('a', 0, 'final', 'done', '', metrics={'acc/top1': 0.5, 'acc/mean1': 0.4})],
                     extra={'a': {'classes': 4.0}})
    assert '| a |  |  | final | 1 | 50.00 | 40.00 | 4 |  |' in markdown_table(rows, [])


def test_model_complexity_counts_the_configs_iteration_and_skips_checkpoints() -> None:
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from mmavssl.models.utils.flops import complexity
    init_default_scope('mmavssl')
    root = Path(__file__).resolve().parents[2] / 'configs' / 'synthetic'
    semi = Config.fromfile(str(root / 'asl_1shot.py'))
    # never read: meta-device builds do not load weights
    semi.merge_from_dict({'model.localizer.checkpoint': '/nonexistent/localizer.pth'})
    sup = Config.fromfile(str(root / 'supervised_av_1shot.py'))
    got_semi, got_sup = model_complexity(semi), model_complexity(sup)
    ref = complexity(sup.model.to_dict(), 8)
    assert got_sup == pytest.approx({'trainable params (M)': ref['params_trainable'] / 1e6,
                                     'GFLOPs/view': ref['gflops_per_view'], 'GFLOPs/iter': ref['gflops_per_iter']})
    semi_model = semi.model.to_dict()
    semi_model['localizer']['checkpoint'] = None
    ref_semi = complexity(semi_model, 1, 5)  # batch 6 of LabeledUnlabeledSampler(mu=5)
    assert got_semi['GFLOPs/iter'] == pytest.approx(ref_semi['gflops_per_iter_semi'])
    assert got_semi['trainable params (M)'] == got_sup['trainable params (M)']  # the student only


def test_paired_table_compares_rows_seed_by_seed_on_the_dumped_predictions(tmp_path):
    import numpy as np
    import torch
    from mmengine.fileio import dump


    gt = np.arange(8) % 4
    records = []
    for name, right in (('base', [0.25, 0.5]), ('method', [0.75, 0.75])):
        for seed, frac in enumerate(right):
            run_dir = tmp_path / name / f'seed{seed}'
            pred = np.where(np.arange(8) < frac * 8, gt, (gt + 1) % 4)
            samples = [dict(pred_score=torch.nn.functional.one_hot(torch.tensor(int(p)), 4).float(),
                            gt_label=torch.tensor([int(g)])) for p, g in zip(pred, gt)]
            predictions_path(run_dir, 'final').parent.mkdir(parents=True)
            dump(samples, str(predictions_path(run_dir, 'final')))
            records.append(RunRecord(name=name, seed=seed, checkpoint='final', status='done', work_dir=str(run_dir),
                                     paired_with=['base'] if name == 'method' else []))
    table = paired_table(records, num_samples=500)
    row = next(line for line in table.splitlines() if line.startswith('| method '))
    # seed 0: 6 - 2 of 8 clips right (+50 points), seed 1: 6 - 4 (+25); mean +37.5
    assert '| method | base | final | 0/1 | +50.00 / +25.00 | +37.50 |' in row
    low, high = (float(v) for v in row.split('[')[1].split(']')[0].split(','))
    assert low <= 37.5 <= high and row.endswith('| 8 |')
    assert paired_table(records[:2]) == ''


def test_format_summary_reports_the_gain() -> None:
    summary = dict(supervised={'config': 'a.py', 'acc/top1': 0.25, 'acc/mean1': 0.2, 'subset/sound_names_class': 0.4,
                               'subset/sound_ambiguous': 0.9},
                   semi_supervised={'config': 'b.py', 'acc/top1': 0.5, 'acc/mean1': 0.45},
                   comparison=dict(diff=0.25, low=0.2, high=0.3, num_clips=600),
                   localizer={'loc/cIoU': 0.5, 'loc/pointing': 0.9, 'loc/center/pointing': 0.2},
                   seconds=dict(data=1.0, localizer=2.0, supervised=3.0, semi_supervised=4.0))
    table = format_summary(summary)
    assert '| 25.00 | 20.00 | 40.00 | 90.00 | 3 |' in table and '| 50.00 | 45.00 | - | - | 4 |' in table
    assert '+25.00 points top-1 on 600 test clips, paired 95 % bootstrap interval [+20.00, +30.00]' in table
    assert 'Localizer (validation): cIoU 0.500, pointing 0.900 (centre box: pointing 0.200)' in table
    assert 'Total time 10 s' in table
    summary['localizer']['iterations'] = 400
    assert 'Localizer (validation, 400 iterations): cIoU 0.500' in format_summary(summary)
    summary['localizer']['seed'] = 1000
    assert 'Localizer (validation, 400 iterations, seed 1000): cIoU 0.500' in format_summary(summary)


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
