"""mmavssl.studies.runner: studies driven through stand-in tools, and the README's main job.

The stand-ins in ``fake_tools/`` follow tools/train.py's and tools/test.py's command lines and output layout but
take milliseconds and give known accuracies (``acc + 0.01 * seed``), so the bookkeeping (skip, resume, restart,
stale, failures, tables) is checked exactly; tests/tools/test_run_benchmark.py runs the real tools.
"""
import json
import math
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

from mmavssl.studies.report import format_summary, load_records, markdown_table, summarize, write_outputs
from mmavssl.studies.runner import MainJob, _run_streaming, read_test_metrics, run_main_job, run_study
from mmavssl.studies.spec import DATA_ROOT_ENV, SOURCE_ROOT_ENV, BenchmarkEntry, MainJobConfig, RunRecord

from toolbox_testing import DATA_DIR, REPO_ROOT, TOY_CONFIG

FAKE_TOOLS = Path(__file__).resolve().parent / 'fake_tools'

TINY_DATA = dict(num_shapes=2, num_timbres=2, shapes=('circle', 'square'), timbres=('low_tone', 'high_tone'),
                 ambiguous_sound=0.0, train_per_class=2, val_per_class=1, test_per_class=1, width=32, height=32,
                 fps=8, duration=1.0, shots=(1,))


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
    return BenchmarkEntry(name=name, config=str(TOY_CONFIG), cfg_options=options)


def by_key(records: List[RunRecord]) -> Dict[tuple, RunRecord]:
    return {(r.name, r.seed, r.checkpoint): r for r in records}


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


@pytest.mark.slow
def test_main_job_runs_steps_in_order_and_skips_finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('PYTHONPATH', str(DATA_DIR))
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    cfg = MainJobConfig(data_root=str(tmp_path / 'data'), work_dir=str(tmp_path / 'job'),
                        localizer_config=str(TOY_CONFIG), supervised_config=str(TOY_CONFIG),
                        semi_config=str(TOY_CONFIG), localizer_ckpt_key='localizer_checkpoint',
                        source_root=str(tmp_path / 'source'), figure_index=None, synthetic=TINY_DATA,
                        source_synthetic=dict(TINY_DATA, shapes=('cross', 'diamond'), timbres=('mid_tone', 'bell'),
                                              shots=()),
                        pretrain_configs={'audio': str(TOY_CONFIG), 'video': str(TOY_CONFIG)},
                        pretrained_keys={'audio': ['audio_init'], 'video': ['video_init', 'video_init_copy']},
                        localizer_options=[], semi_options=[], bootstrap_samples=200)
    lines = []
    summary = run_main_job(cfg, REPO_ROOT, echo=lines.append)

    assert (tmp_path / 'data' / 'manifest.json').is_file() and (tmp_path / 'source' / 'manifest.json').is_file()
    # each pretraining is its own step, and its checkpoint reaches the supervised run under each of its keys
    sup_log = (tmp_path / 'job' / 'supervised' / 'log.txt').read_text()
    for encoder, keys in cfg.pretrained_keys.items():
        ckpt = json.loads((tmp_path / 'job' / f'pretrain_{encoder}' / 'step_done.json').read_text())['checkpoint']
        assert Path(ckpt).is_file() and all(f'{key}={ckpt}' in sup_log for key in keys)
    loc_ckpt = summary['localizer']['checkpoint']
    assert Path(loc_ckpt).is_file() and loc_ckpt.endswith('iter_8.pth')
    for step in ('supervised', 'semi_supervised'):
        assert 0.0 <= summary[step]['acc/top1'] <= 1.0
        assert Path(summary[step]['checkpoint']).is_file()
    # the localizer checkpoint reached the semi-supervised training as the configured key
    semi_log = (tmp_path / 'job' / 'semi_supervised' / 'log.txt').read_text()
    assert f'localizer_checkpoint={loc_ckpt}' in semi_log
    assert f"load_from={summary['supervised']['checkpoint']}" in semi_log
    assert json.loads((tmp_path / 'job' / 'summary.json').read_text())['supervised'] == summary['supervised']
    assert format_summary(summary) in '\n'.join(lines)
    assert any(line.startswith('[6/7] semi_supervised: done') for line in lines)
    comp = summary['comparison']
    assert comp['num_clips'] == 8 and comp['low'] <= comp['diff'] <= comp['high']
    assert comp['diff'] == pytest.approx(summary['semi_supervised']['acc/top1'] - summary['supervised']['acc/top1'])

    # a rerun reuses every finished step and trains nothing
    rerun = []
    assert run_main_job(cfg, REPO_ROOT, echo=rerun.append)['semi_supervised'] == summary['semi_supervised']
    assert sum('finished earlier' in line for line in rerun) == 7
    assert not any('tools/train.py' in line for line in rerun)


def test_main_job_config_needs_keys_for_every_pretraining() -> None:
    with pytest.raises(ValueError, match="pretrained_keys names \\['audio'\\]"):
        MainJobConfig(pretrain_configs={'audio': 'a.py', 'video': 'v.py'}, pretrained_keys={'audio': ['k']})
    assert set(MainJobConfig().pretrain_configs) == set(MainJobConfig().pretrained_keys) == {'audio', 'video'}


def _stand_in_localizer(tmp_path: Path, by_iters: Dict[int, Tuple[float, float]], **cfg: Any) -> Tuple[MainJob, List[int], List[str]]:
    """A main job whose localizer 'training' logs the (cIoU, pointing) of ``by_iters`` at the max_iters it is
    given (each call a new run dir, as a resumed mmengine run), recording the schedules it was asked for.
    ``by_iters`` may also map a seed to such a dict (the runs of that seed). Trains on to 200 and 400 unless
    ``cfg`` says otherwise."""
    calls, lines = [], []
    cfg = {'localizer_train_on': [200, 400], **cfg}
    job = MainJob(MainJobConfig(work_dir=str(tmp_path), **cfg), tmp_path, echo=lines.append)

    def train(config: str, step_dir: Path, options: Sequence[str] = (), seed: Optional[int] = None) -> Path:
        iters = int(next(o for o in options if o.startswith('train_cfg.max_iters=')).split('=')[1])
        calls.append(iters)
        run = step_dir / 'train' / f'2026010{len(calls)}_000000' / 'vis_data'
        run.mkdir(parents=True)
        ciou, pointing = (by_iters[seed] if seed in by_iters else by_iters)[iters]
        # as mmengine logs an iteration-based run: training rows with 'iter', validation rows with step = epoch 0
        row = {'loc/cIoU': ciou, 'loc/pointing': pointing, 'loc/center/pointing': 0.7, 'step': 0}
        train_row = {'loss': 1.0, 'iter': iters, 'step': iters}
        (run / 'scalars.json').write_text(json.dumps(train_row) + '\n' + json.dumps(row) + '\n')
        return step_dir / 'train' / f'iter_{iters}.pth'

    job._train = train
    return job, calls, lines


def test_localizer_trains_on_while_it_misses_the_target(tmp_path: Path) -> None:
    job, calls, lines = _stand_in_localizer(tmp_path, {100: (0.2, 0.54), 200: (0.18, 0.85), 400: (0.86, 0.82)})
    result = job.train_localizer(tmp_path / 'localizer')
    assert calls == [100, 200, 400]
    assert result == {'checkpoint': str(tmp_path / 'localizer' / 'train' / 'iter_400.pth'), 'loc/cIoU': 0.86,
                      'loc/pointing': 0.82, 'loc/center/pointing': 0.7, 'iterations': 400, 'seed': 0}
    assert sum('training on to' in line for line in lines) == 2 and not any('warning' in line for line in lines)
    # the target met early: no further schedule
    job, calls, _ = _stand_in_localizer(tmp_path / 'b', {100: (0.7, 1.0)})
    assert job.train_localizer(tmp_path / 'b' / 'localizer')['iterations'] == 100 and calls == [100]


def test_localizer_restarts_with_another_seed_after_its_last_schedule(tmp_path: Path) -> None:
    stalls = {100: (0.06, 0.38), 200: (0.31, 0.66), 400: (0.5, 0.75)}
    job, calls, lines = _stand_in_localizer(tmp_path, {0: stalls, 1000: {100: (0.3, 0.7), 200: (0.6, 0.9)}})
    result = job.train_localizer(tmp_path / 'localizer')
    assert calls == [100, 200, 400, 100, 200]
    restart = tmp_path / 'localizer' / 'restart1_seed1000'
    assert result == {'checkpoint': str(restart / 'train' / 'iter_200.pth'), 'loc/cIoU': 0.6, 'loc/pointing': 0.9,
                      'loc/center/pointing': 0.7, 'iterations': 200, 'seed': 1000}
    assert sum('starting afresh with seed 1000' in line for line in lines) == 1
    # both runs miss the target: the one that points best is kept, with the warning
    job, calls, lines = _stand_in_localizer(tmp_path / 'b', {0: stalls, 1000: {100: (0.0, 0.2), 200: (0.0, 0.3),
                                                                               400: (0.2, 0.6)}})
    assert job.train_localizer(tmp_path / 'b' / 'localizer')['seed'] == 0 and calls == [100, 200, 400] * 2
    assert 'still misses the target' in lines[-1]


def test_localizer_below_target_goes_on_with_a_warning_and_stops_at_the_centre_box(tmp_path: Path) -> None:
    job, calls, lines = _stand_in_localizer(tmp_path, {100: (0.2, 0.75), 200: (0.3, 0.8), 400: (0.49, 0.92)},
                                            localizer_restarts=0)
    assert job.train_localizer(tmp_path / 'localizer')['loc/cIoU'] == 0.49 and calls == [100, 200, 400]
    assert 'still misses the target loc/cIoU 0.500, loc/pointing 0.800' in lines[-1]
    job, calls, _ = _stand_in_localizer(tmp_path / 'b', {100: (0.0, 0.2), 200: (0.0, 0.6), 400: (0.0, 0.7)})
    with pytest.raises(RuntimeError, match='pointing accuracy 0.70 does not beat the centre box'):
        job.train_localizer(tmp_path / 'b' / 'localizer')
    assert calls == [100, 200, 400] * 2
    # no train-on, no restart: the first schedule decides
    job, calls, _ = _stand_in_localizer(tmp_path / 'c', {100: (0.0, 0.2)}, localizer_train_on=[],
                                        localizer_restarts=0)
    with pytest.raises(RuntimeError, match='does not beat the centre box'):
        job.train_localizer(tmp_path / 'c' / 'localizer')
    assert calls == [100]


@pytest.mark.slow
def test_training_on_resumes_the_run_to_the_longer_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the mechanism the localizer step relies on: the same work dir, --resume, a larger train_cfg.max_iters
    monkeypatch.setenv('PYTHONPATH', str(DATA_DIR))
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    job = MainJob(MainJobConfig(work_dir=str(tmp_path)), REPO_ROOT, echo=lambda _: None)
    step = tmp_path / 'localizer'
    assert job._train(str(TOY_CONFIG), step, ['train_cfg.max_iters=4']).name == 'iter_4.pth'
    assert job._train(str(TOY_CONFIG), step, ['train_cfg.max_iters=8']).name == 'iter_8.pth'
    runs = sorted((step / 'train').glob('*/vis_data/scalars.json'))
    iters = [[json.loads(line)['iter'] for line in run.read_text().splitlines() if '"iter"' in line] for run in runs]
    assert len(runs) == 2 and iters[0][-1] == 4 and iters[1][0] > 4 and iters[1][-1] == 8
    assert '--resume' in (step / 'log.txt').read_text().split('$ ')[-1]


def test_main_job_config_checks_the_localizer_schedule() -> None:
    with pytest.raises(ValueError, match='increasing positive'):
        MainJobConfig(localizer_train_on=[400, 200])
    with pytest.raises(ValueError, match='localizer_restarts must be >= 0'):
        MainJobConfig(localizer_restarts=-1)
    with pytest.raises(ValueError, match=r"localizer_target names \['loc/auc'\]"):
        MainJobConfig(localizer_target={'loc/auc': 0.5})


def test_figure_step_runs_visualize_masks_with_the_trained_localizer(tmp_path: Path) -> None:
    script = tmp_path / 'tools' / 'analysis' / 'visualize_masks.py'
    script.parent.mkdir(parents=True)
    # a stand-in for the real script: records its arguments and writes the figure where it was told
    script.write_text('import sys, pathlib\n'
                      'out = pathlib.Path(sys.argv[sys.argv.index("--out-dir") + 1])\n'
                      'out.mkdir(parents=True)\n'
                      '(out / "clip_fig3.png").write_text(" ".join(sys.argv[1:]))\n')
    job = MainJob(MainJobConfig(work_dir='job', data_root='bench', figure_index=3), tmp_path, echo=lambda _: None)
    result = job._figure(tmp_path / 'job' / 'figure', 'loc.pth')
    args = Path(result['path']).read_text()
    assert result['path'].endswith('clip_fig3.png')
    assert '--ann-file bench/test.txt --index 3' in args and '--checkpoint loc.pth' in args
    assert f'--localizer-config {MainJobConfig().localizer_config}' in args


def test_main_job_steps_read_the_job_data_roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the synthetic configs read their folders from these variables, so --data-root reaches every step
    job = MainJob(MainJobConfig(data_root='sets/bench7', source_root='sets/source7'), tmp_path, echo=lambda _: None)
    lines: List[str] = []
    code = f'import os; print(os.environ["{DATA_ROOT_ENV}"], os.environ["{SOURCE_ROOT_ENV}"])'
    _run_streaming([sys.executable, '-c', code], tmp_path / 'log.txt', lines.append, tmp_path, job.env)
    assert lines == ['sets/bench7 sets/source7']
    assert DATA_ROOT_ENV in MainJob(MainJobConfig(source_root=None), tmp_path).env
    assert SOURCE_ROOT_ENV not in MainJob(MainJobConfig(source_root=None), tmp_path).env
    # a job (or tools/analysis/train_localizer.py) without a root of its own keeps the one the caller set
    monkeypatch.setenv(DATA_ROOT_ENV, 'sets/bench9')
    assert MainJob(MainJobConfig(), tmp_path).env[DATA_ROOT_ENV] == 'sets/bench9'
