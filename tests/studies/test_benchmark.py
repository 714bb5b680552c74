"""mmavssl.studies.benchmark: option formatting, statistics, specs, and studies driven through stand-in tools.

The stand-ins in ``fake_tools/`` follow tools/train.py's and tools/test.py's command lines and output layout but
take milliseconds and give known accuracies (``acc + 0.01 * seed``), so the bookkeeping (skip, resume, restart,
stale, failures, tables) is checked exactly; tests/tools/test_run_benchmark.py runs the real tools.
"""
import json
import math
from pathlib import Path
from typing import Dict, List

import pytest

from mmavssl.studies.benchmark import (BenchmarkEntry, RunRecord, entry_complexity, format_cfg_options, load_records,
                                    load_spec, markdown_table, mean_std, read_test_metrics, run_study, summarize,
                                    write_outputs)

FAKE_TOOLS = Path(__file__).resolve().parent / 'fake_tools'
DATA_DIR = Path(__file__).resolve().parents[1] / 'data'
TOY_CONFIG = str(DATA_DIR / 'configs' / 'toy_iter.py')


@pytest.fixture
def study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Return ``(run, calls)``: ``run(entries, **kw)`` runs a study with the stand-in tools under ``tmp_path``;
    ``calls()`` lists the stand-ins' invocations so far."""
    calls_file = tmp_path / 'calls.txt'
    calls_file.touch()
    monkeypatch.setenv('FAKE_TOOLS_LOG', str(calls_file))
    logs: List[str] = []

    def run(entries: List[BenchmarkEntry], seeds=(0, 1), **kwargs) -> List[RunRecord]:
        return run_study(entries, tmp_path / 'study', seeds, tools_dir=FAKE_TOOLS, log=logs.append, **kwargs)

    run.logs = logs
    return run, lambda: calls_file.read_text().splitlines()


def entry(name: str, **options) -> BenchmarkEntry:
    return BenchmarkEntry(name=name, config=TOY_CONFIG, cfg_options=options)


def by_key(records: List[RunRecord]) -> Dict[tuple, RunRecord]:
    return {(r.name, r.seed, r.checkpoint): r for r in records}


def test_format_cfg_options_round_trips_and_flattens() -> None:
    args = format_cfg_options({'model': {'mixer': {'tau_mix': 0.1}}, 'train_cfg.max_iters': 4, 'a.flag': True,
                               'a.none': None, 'a.list': [1, 2.5, 'x'], 'a.tuple': (3,), 'a.name': 'fixed'})
    assert args == ['model.mixer.tau_mix=0.1', 'train_cfg.max_iters=4', 'a.flag=True', 'a.none=None',
                    'a.list=[1,2.5,x]', 'a.tuple=(3,)', 'a.name=fixed']


@pytest.mark.parametrize('value', ['0.1', 'a b', 'x,y', 'True'])
def test_format_cfg_options_refuses_values_the_cli_would_change(value: str) -> None:
    with pytest.raises(ValueError, match='cannot be passed on the command line'):
        format_cfg_options({'key': value})


def test_mean_std_is_sample_std() -> None:
    mean, std = mean_std([1.0, 2.0, 3.0, 4.0])
    assert mean == 2.5 and math.isclose(std, math.sqrt(5 / 3))
    assert mean_std([0.3]) == (0.3, None)


def test_entry_name_must_be_a_folder_name() -> None:
    with pytest.raises(ValueError, match='folder name'):
        BenchmarkEntry(name='a/b', config=TOY_CONFIG)


def test_load_spec_yaml_and_py(tmp_path: Path) -> None:
    (tmp_path / 'spec.yaml').write_text(
        'seeds: [0, 2]\ncfg_options: {train_cfg.max_iters: 2}\nentries:\n'
        f'  - {{name: a, config: {TOY_CONFIG}, group: fixed, x: 0.1, cfg_options: {{model.num_classes: 3}}}}\n')
    entries, settings = load_spec(tmp_path / 'spec.yaml')
    assert entries == [BenchmarkEntry('a', TOY_CONFIG, {'model.num_classes': 3}, 'fixed', 0.1)]
    assert settings == {'seeds': [0, 2], 'cfg_options': {'train_cfg.max_iters': 2}}
    (tmp_path / 'spec.py').write_text(f"entries = [dict(name='b', config={TOY_CONFIG!r})]\n")
    assert load_spec(tmp_path / 'spec.py') == ([BenchmarkEntry('b', TOY_CONFIG)], {})


@pytest.mark.parametrize('body, match', [
    ('entries = []', 'non-empty list'),
    ("entries = [dict(name='a')]", r'entries\[0\]'),
    ("entries = [dict(name='a', config='c.py', lr=1)]", r'entries\[0\]'),
    ("entries = [dict(name='a', config='c.py'), dict(name='a', config='d.py')]", 'unique'),
])
def test_load_spec_rejects_malformed_specs(tmp_path: Path, body: str, match: str) -> None:
    (tmp_path / 'spec.py').write_text(body + '\n')
    with pytest.raises(ValueError, match=match):
        load_spec(tmp_path / 'spec.py')


def test_study_collects_every_run_and_aggregates(study) -> None:
    run, calls = study
    records = run([entry('a', acc=0.5), entry('b', acc=0.7)], checkpoints=('final', 'best'))
    runs = by_key(records)
    assert len(records) == 8 and all(r.status == 'done' for r in records)
    for name, acc in (('a', 0.5), ('b', 0.7)):
        for seed in (0, 1):
            top1 = acc + 0.01 * seed
            assert runs[(name, seed, 'final')].metrics == pytest.approx({'acc/top1': top1, 'acc/mean1': top1 - 0.05})
            assert runs[(name, seed, 'best')].metrics['acc/top1'] == pytest.approx(top1 + 0.1)
    rows = {(r.name, r.checkpoint): r for r in summarize(records)}
    assert rows[('a', 'final')].n == 2 and rows[('a', 'final')].mean['acc/top1'] == pytest.approx(0.505)
    assert rows[('a', 'final')].std['acc/top1'] == pytest.approx(0.01 / math.sqrt(2))
    assert rows[('b', 'best')].mean['acc/mean1'] == pytest.approx(0.755)
    table = markdown_table(list(rows.values()), records)
    assert '| a |  |  | final | 2 | 50.50 ± 0.71 | 45.50 ± 0.71 |  |' in table
    assert '| b |  |  | best | 2 | 80.50 ± 0.71 | 75.50 ± 0.71 |  |' in table
    assert len([c for c in calls() if c.startswith('train')]) == 4
    assert len([c for c in calls() if c.startswith('test')]) == 8


def test_seed_and_work_dir_placeholders_are_substituted_per_run(study, tmp_path: Path) -> None:
    run, _ = study
    records = run([entry('sup', acc=0.5),
                   entry('semi', load_from='{work_dir}/sup/seed{seed}/iter_2.pth', note='{x}')])
    semi = {r.seed: r.cfg_options for r in records if r.name == 'semi'}
    for seed in (0, 1):
        assert semi[seed]['load_from'] == f'{tmp_path / "study"}/sup/seed{seed}/iter_2.pth'
        assert semi[seed]['note'] == '{x}'
        spec = json.loads((tmp_path / 'study' / 'semi' / f'seed{seed}' / 'benchmark' / 'spec.json').read_text())
        assert f'load_from={tmp_path / "study"}/sup/seed{seed}/iter_2.pth' in spec['cfg_options']


def test_rerun_skips_finished_runs(study) -> None:
    run, calls = study
    first = run([entry('a', acc=0.5)])
    n_calls = len(calls())
    again = run([entry('a', acc=0.5)])
    assert len(calls()) == n_calls
    assert [r.metrics for r in again] == [r.metrics for r in first]
    assert run.logs[-1] == '[skip] a seed 1: finished'


def test_adding_a_checkpoint_kind_tests_only(study) -> None:
    run, calls = study
    run([entry('a')], seeds=(0,))
    n_calls = len(calls())
    records = run([entry('a')], seeds=(0,), checkpoints=('final', 'best'))
    assert [c.split()[0] for c in calls()[n_calls:]] == ['test']
    assert [r.status for r in records] == ['done', 'done']


def test_a_failing_run_is_recorded_and_the_study_goes_on(study) -> None:
    run, calls = study
    records = run([entry('bad', fail=1), entry('good')])
    runs = by_key(records)
    assert runs[('bad', 0, 'final')].status == 'failed'
    assert 'train exited with 3: RuntimeError: boom' in runs[('bad', 0, 'final')].message
    assert 'bad/seed0/benchmark/train.log' in runs[('bad', 0, 'final')].message
    assert runs[('good', 1, 'final')].status == 'done'
    table = markdown_table(summarize(records), records)
    assert '| bad |  |  | final | 0 | — | — | seed 0: failed, seed 1: failed |' in table
    assert '- bad seed 1 (final): failed: train exited with 3' in table
    # The failed run dir stays; a rerun reports it instead of retraining or deleting it.
    again = by_key(run([entry('bad', fail=1)]))
    assert again[('bad', 0, 'final')].status == 'incomplete' and '--resume or --restart' in again[
        ('bad', 0, 'final')].message


def test_half_finished_run_is_reported_then_resumed(study) -> None:
    run, calls = study
    assert run([entry('c', crash=1)], seeds=(0,))[0].status == 'failed'
    assert run([entry('c', crash=1)], seeds=(0,))[0].status == 'incomplete'
    records = run([entry('c', crash=1)], seeds=(0,), resume=True)
    assert records[0].status == 'done' and records[0].metrics['acc/top1'] == pytest.approx(0.5)
    assert calls()[-2].startswith('train') and calls()[-2].endswith(' 0 auto')


def test_restart_moves_the_old_run_aside(study, tmp_path: Path) -> None:
    run, calls = study
    run([entry('c', crash=1)], seeds=(0,))
    records = run([entry('c')], seeds=(0,), restart=True)
    assert records[0].status == 'done'
    old = list((tmp_path / 'study' / 'c').glob('seed0.old-*'))
    assert len(old) == 1 and (old[0] / 'iter_1.pth').is_file()
    assert calls()[-2].endswith(' 0 None')  # trained afresh, not resumed


def test_changed_spec_is_stale_not_reused(study, tmp_path: Path) -> None:
    run, calls = study
    run([entry('a', acc=0.5)], seeds=(0,))
    n_calls = len(calls())
    stale = run([entry('a', acc=0.9)], seeds=(0,))
    assert stale[0].status == 'stale' and 'acc=0.5' in stale[0].message and len(calls()) == n_calls
    assert run([entry('a', acc=0.9)], seeds=(0,), resume=True)[0].status == 'stale'
    fresh = run([entry('a', acc=0.9)], seeds=(0,), restart=True)
    assert fresh[0].metrics['acc/top1'] == pytest.approx(0.9)


def test_dry_run_creates_nothing(study, tmp_path: Path) -> None:
    run, calls = study
    records = run([entry('a', acc=0.5)], dry_run=True, train_args=['--deterministic'])
    assert {r.status for r in records} == {'planned'} and not (tmp_path / 'study').exists() and calls() == []
    assert any('train.py' in line and '--seed 1 --deterministic --cfg-options acc=0.5' in line for line in run.logs)
    assert any('test.py' in line and '<final checkpoint>' in line for line in run.logs)


def test_missing_best_checkpoint_and_failing_test(study) -> None:
    run, calls = study
    records = by_key(run([entry('nobest', best=0), entry('t', testfail=1)], seeds=(0,),
                         checkpoints=('final', 'best')))
    assert records[('nobest', 0, 'final')].status == 'done'
    assert records[('nobest', 0, 'best')].status == 'failed'
    assert 'save_best' in records[('nobest', 0, 'best')].message
    assert records[('t', 0, 'final')].status == 'failed'
    assert 'test exited with 2: ValueError: test broke' in records[('t', 0, 'final')].message
    n_train = sum(c.startswith('train') for c in calls())
    run([entry('t', testfail=1)], seeds=(0,))  # the test is retried, training is not repeated
    assert sum(c.startswith('train') for c in calls()) == n_train


def test_study_checks_its_arguments(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match='nope.py'):
        run_study([BenchmarkEntry('a', 'nope.py')], tmp_path, [0], tools_dir=FAKE_TOOLS)
    with pytest.raises(ValueError, match='checkpoints'):
        run_study([entry('a')], tmp_path, [0], checkpoints=('last',), tools_dir=FAKE_TOOLS)
    with pytest.raises(FileNotFoundError, match='train.py'):
        run_study([entry('a')], tmp_path, [0], tools_dir=tmp_path)


def test_read_test_metrics_names_missing_metrics(tmp_path: Path) -> None:
    (tmp_path / '20250101_000000').mkdir()
    (tmp_path / '20250101_000000' / '20250101_000000.json').write_text(json.dumps({'acc/top1': 0.5}))
    with pytest.raises(RuntimeError, match=r"lacks \['acc/mean1'\]"):
        read_test_metrics(tmp_path, ['acc/top1', 'acc/mean1'])
    with pytest.raises(RuntimeError, match='no test metrics'):
        read_test_metrics(tmp_path / 'empty', ['acc/top1'])


def test_outputs_round_trip(study, tmp_path: Path) -> None:
    run, _ = study
    records = run([entry('a', acc=0.5)])
    paths = write_outputs(records, summarize(records), tmp_path / 'out' / 'bench')
    assert load_records(paths['json']) == records
    lines = paths['csv'].read_text().splitlines()
    assert lines[0].startswith('name,group,x,seed,checkpoint,status,acc/top1,acc/mean1')
    assert len(lines) == 3 and lines[2].startswith('a,,,1,final,done,0.51')
    assert '50.50 ± 0.71' in paths['md'].read_text()


def test_complexity_columns_and_graceful_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FAKE_TOOLS))
    monkeypatch.syspath_prepend(str(DATA_DIR))  # the toy config's custom_imports
    entries = [entry('a'), BenchmarkEntry('b', TOY_CONFIG, {'model.num_classes': 7})]
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

    from mmavssl.studies.benchmark import model_complexity
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

    from mmavssl.studies.benchmark import RunRecord, paired_table, predictions_path

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
