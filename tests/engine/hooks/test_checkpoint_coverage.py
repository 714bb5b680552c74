"""CheckpointCoverageHook: a checkpoint that leaves model parameters unloaded is refused (test and load_from),
unless partial loading is asked for explicitly."""
from pathlib import Path

import pytest
import torch

from mmavssl.engine.hooks.checkpoint_coverage import CheckpointCoverageHook

from toolbox_testing import REPO_ROOT, TOY_CONFIG, run_python, runner_log, toy_runner


@pytest.fixture(scope='module')
def foreign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkpoint of another model (a semi-supervised one's key layout), written like a Runner's."""
    path = tmp_path_factory.mktemp('coverage') / 'asl.pth'
    cfg = "model = dict(\n    type='SemiAVRecognizer', recognizer=dict(type='AVRecognizer'))\n"
    torch.save({'meta': {'cfg': cfg, 'experiment_name': 'asl_1shot_20260101'},
                'state_dict': {'student.fc.weight': torch.zeros(4, 112), 'teacher.fc.weight': torch.zeros(4, 112)}},
               path)
    return path


@pytest.mark.slow
def test_test_tool_refuses_a_checkpoint_of_another_model(foreign: Path, tmp_path: Path) -> None:
    done = run_python(['tools/test.py', TOY_CONFIG, foreign, '--work-dir', tmp_path], cwd=REPO_ROOT)
    assert done.returncode != 0
    err = done.stderr
    assert f'Checkpoint {foreign} does not fit the ToyAVClassifier' in err, err[-3000:]
    assert 'Unloaded: fc.weight, fc.bias' in err and 'student.fc.weight, teacher.fc.weight' in err
    assert "model type 'SemiAVRecognizer'; experiment 'asl_1shot_20260101'; top-level keys student, teacher" in err
    assert 'acc/top1' not in err + done.stdout


@pytest.mark.slow
def test_partial_loading_is_an_explicit_opt_in(foreign: Path, tmp_path: Path) -> None:
    done = run_python(['tools/test.py', TOY_CONFIG, foreign, '--work-dir', tmp_path, '--allow-partial-checkpoint'],
                      cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'acc/top1' in done.stderr + done.stdout


def test_load_from_with_another_head_shape_is_refused(tmp_path: Path) -> None:
    six_classes = toy_runner(tmp_path / 'six', {'model.num_classes': 6})
    path = tmp_path / 'six.pth'
    torch.save({'state_dict': six_classes.model.state_dict()}, path)
    runner = toy_runner(tmp_path / 'four', {'load_from': str(path)})
    with pytest.raises(RuntimeError, match=r'2 of its 2 parameters .* \(2 with another shape: fc.weight, fc.bias\)'):
        runner.train()


def test_matching_checkpoint_and_allowed_keys_load(tmp_path: Path) -> None:
    runner = toy_runner(tmp_path / 'a')
    path = tmp_path / 'a.pth'
    torch.save({'state_dict': {'fc.weight': runner.model.fc.weight.detach() + 1}}, path)
    hook = CheckpointCoverageHook(allowed_missing=[r'^fc\.bias$'])
    runner.cfg.load_from = str(path)
    hook.after_load_checkpoint(runner, torch.load(path))
    runner.model.load_state_dict(torch.load(path)['state_dict'], strict=False)  # the armed check passes
    with pytest.raises(RuntimeError, match='Unloaded: fc.bias'):
        CheckpointCoverageHook().after_load_checkpoint(runner, torch.load(path))
        runner.model.load_state_dict(torch.load(path)['state_dict'], strict=False)


def test_resume_without_a_checkpoint_says_it_starts_fresh(tmp_path: Path) -> None:
    runner = toy_runner(tmp_path, {'resume': True, 'train_cfg.max_iters': 2})
    runner.train()
    assert (f'--resume: no checkpoint found in {tmp_path} (no last_checkpoint file); training starts fresh from '
            'iteration 0.') in runner_log(runner)


def test_a_state_sized_from_the_checkpoint_is_not_a_mismatch(tmp_path: Path) -> None:
    """FlexMatchThreshold(num_unlabeled=None) takes its size from a trained checkpoint (tools/test.py, the demo),
    so the check, made after the load, finds nothing to refuse."""
    from mmengine.runner.checkpoint import load_state_dict

    from mmavssl.models.thresholds import FlexMatchThreshold
    runner = toy_runner(tmp_path / 'a')
    runner.model.threshold = FlexMatchThreshold(num_classes=4, num_unlabeled=None)
    checkpoint = {'state_dict': {**runner.model.state_dict(), 'threshold.selected_label': torch.full((12,), -1)}}
    CheckpointCoverageHook().after_load_checkpoint(runner, checkpoint)
    load_state_dict(runner.model, checkpoint['state_dict'])
    assert runner.model.threshold.num_unlabeled == 12
