"""tools/analysis/train_localizer.py: the main job's localizer step alone (the studies' localizer)."""
import json
from pathlib import Path

import pytest

from mmavssl.studies import MainJob
from toolbox_testing import REPO_ROOT, TOY_CONFIG, load_script, run_python

TOOL = 'tools/analysis/train_localizer.py'


def test_passes_its_schedule_and_target_to_the_main_jobs_step_and_keeps_the_result(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    seen = {}
    ckpt = tmp_path / 'run' / 'iter_800.pth'
    ckpt.parent.mkdir()
    ckpt.write_bytes(b'weights')
    kept = {'checkpoint': str(ckpt), 'loc/cIoU': 0.61, 'loc/pointing': 0.92, 'loc/center/pointing': 0.68,
            'iterations': 800, 'seed': 1000}

    def step(job: MainJob, step_dir: Path) -> dict:
        seen.update(cfg=job.cfg, step_dir=step_dir)
        return kept

    monkeypatch.setattr(MainJob, 'train_localizer', step)
    tool = load_script(TOOL)
    work = tmp_path / 'loc'
    tool.main([str(TOY_CONFIG), '--work-dir', str(work), '--seed', '3', '--train-on', '16', '32', '--restarts', '2',
               '--target', 'loc/cIoU=0.4', '--cfg-options', 'train_cfg.max_iters=8'])
    cfg = seen['cfg']
    assert seen['step_dir'] == work.resolve()
    assert (cfg.localizer_train_on, cfg.localizer_restarts, cfg.seed) == ([16, 32], 2, 3)
    assert cfg.localizer_target == {'loc/cIoU': 0.4} and cfg.localizer_options == ['train_cfg.max_iters=8']
    assert (work / 'localizer.pth').read_bytes() == b'weights'
    assert json.loads((work / 'localizer.json').read_text()) == kept
    assert 'seed 1000, 800 iterations' in capsys.readouterr().out
    # a rerun finds both files and trains nothing
    seen.clear()
    tool.main([str(TOY_CONFIG), '--work-dir', str(work)])
    assert not seen and 'nothing to do' in capsys.readouterr().out


@pytest.mark.parametrize('args, message', [
    (['--train-on', '8', '16'], "every schedule must exceed the first run's 8 iterations"),
    (['--cfg-options', 'train_cfg.max_iters=20', '--train-on', '16'], "first run's 20 iterations"),
    (['--target', 'loc/cIoU'], 'write each as KEY=NUMBER'),
    (['--target', 'loc/auc=0.5'], "localizer_target names ['loc/auc']"),
    (['--restarts', '-1'], 'localizer_restarts must be >= 0'),
])
def test_bad_arguments_stop_before_any_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args, message) -> None:
    monkeypatch.setattr(MainJob, 'train_localizer', lambda *a: pytest.fail('trained despite bad arguments'))
    with pytest.raises(SystemExit, match=message.replace('[', r'\[').replace(']', r'\]')):
        load_script(TOOL).main([str(TOY_CONFIG), '--work-dir', str(tmp_path), '--train-on', '16', *args])


def test_a_missing_config_or_one_without_an_iteration_schedule_is_named(tmp_path: Path) -> None:
    tool = load_script(TOOL)
    with pytest.raises(SystemExit, match='nope.py: no such config file'):
        tool.main([str(tmp_path / 'nope.py'), '--work-dir', str(tmp_path / 'a')])
    epochs = tmp_path / 'epochs.py'
    epochs.write_text("train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=2)\n")
    with pytest.raises(SystemExit, match='has no train_cfg.max_iters'):
        tool.main([str(epochs), '--work-dir', str(tmp_path / 'b')])


def test_a_checkpoint_it_did_not_write_is_never_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / 'localizer.pth').write_bytes(b'mine')
    monkeypatch.setattr(MainJob, 'train_localizer', lambda *a: pytest.fail('trained over a user checkpoint'))
    with pytest.raises(SystemExit, match='this tool did not write it; move it away first'):
        load_script(TOOL).main([str(TOY_CONFIG), '--work-dir', str(tmp_path), '--train-on', '16'])
    assert (tmp_path / 'localizer.pth').read_bytes() == b'mine'


@pytest.mark.slow
def test_trains_a_real_config_through_tools_train(tmp_path: Path) -> None:
    # the toy config logs no loc/* metrics, so the first schedule is kept without training on
    work = tmp_path / 'loc'
    done = run_python([TOOL, TOY_CONFIG, '--work-dir', work, '--train-on', '8', '--cfg-options',
                       'train_cfg.max_iters=4', 'train_cfg.val_interval=4'], cwd=REPO_ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    kept = json.loads((work / 'localizer.json').read_text())
    assert Path(kept['checkpoint']).name == 'iter_4.pth' and kept['seed'] == 0
    assert (work / 'localizer.pth').read_bytes() == Path(kept['checkpoint']).read_bytes()


class _Stop(Exception):
    """Raised by the stand-in step once it has seen the job's config."""


def test_by_default_trains_on_to_the_main_jobs_schedules_beyond_the_first(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def step(job: MainJob, step_dir: Path) -> dict:
        seen.append(job.cfg.localizer_train_on)
        raise _Stop

    monkeypatch.setattr(MainJob, 'train_localizer', step)
    tool = load_script(TOOL)
    for work, args in (('a', ['--cfg-options', 'train_cfg.max_iters=300']), ('b', []), ('c', ['--train-on'])):
        with pytest.raises(_Stop):
            tool.main([str(TOY_CONFIG), '--work-dir', str(tmp_path / work), *args])
    # the toy config's own schedule is 8 iterations
    assert seen == [[400, 800], [200, 400, 800], []]
