"""NonFiniteGuardHook: NaN/Inf steps are skipped and counted, a diverged run stops non-zero, and no
checkpoint (interval or best) ever holds a NaN/Inf tensor."""
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MessageHub, MMLogger
from mmengine.optim import OptimWrapper

from mmavssl.engine.hooks import NonFiniteGuardHook
from mmavssl.utils import safe_torch_load

from toolbox_testing import REPO_ROOT, TOY_CONFIG, run_python, toy_runner


def _train(work_dir: Path, *options: str):
    return run_python(['tools/train.py', TOY_CONFIG, '--work-dir', work_dir, '--cfg-options',
                       'train_cfg.max_iters=16', 'default_hooks.checkpoint.save_best=acc/top1', *options],
                      cwd=REPO_ROOT)


def _assert_checkpoints_finite(work_dir: Path) -> list:
    paths = sorted(work_dir.glob('*.pth'))
    for path in paths:
        for key, value in safe_torch_load(path)['state_dict'].items():
            assert torch.isfinite(value).all(), f'{path.name}: {key}'
    return [p.name for p in paths]


@pytest.mark.slow
def test_nan_loss_steps_are_skipped_and_the_run_stops(tmp_path: Path) -> None:
    done = _train(tmp_path, 'train_dataloader.dataset.nan_audio=True',
                  'default_hooks.nonfinite_guard.max_consecutive=5')
    assert done.returncode != 0
    assert 'FloatingPointError: Iteration 5: non-finite loss (non-finite loss terms: loss)' in done.stderr, \
        done.stderr[-3000:]
    assert 'Stopping: 5 consecutive non-finite steps' in done.stderr
    assert _assert_checkpoints_finite(tmp_path) == ['best_acc_top1_iter_4.pth', 'iter_2.pth', 'iter_4.pth']
    # Every step was skipped, so the saved weights are the initial ones.
    initial = toy_runner(tmp_path / 'untrained').model.state_dict()
    for key, value in safe_torch_load(tmp_path / 'iter_4.pth')['state_dict'].items():
        assert torch.equal(value, initial[key]), key
    assert safe_torch_load(tmp_path / 'iter_4.pth')['message_hub']['runtime_info']['nonfinite_steps'] == 4


@pytest.mark.slow
def test_diverging_learning_rate_stops_without_a_nonfinite_checkpoint(tmp_path: Path) -> None:
    done = _train(tmp_path, 'optim_wrapper.optimizer.lr=1e38')
    assert done.returncode != 0
    assert 'Iteration 1: the optimizer step turned finite gradients into NaN/Inf weights' in done.stderr, \
        done.stderr[-3000:]
    _assert_checkpoints_finite(tmp_path)


def _fake_runner() -> SimpleNamespace:
    return SimpleNamespace(iter=6, message_hub=MessageHub.get_instance('nonfinite_guard_test'),
                           logger=MMLogger.get_instance('nonfinite_guard_test'))


def test_one_bad_step_is_skipped_and_training_goes_on() -> None:
    model = torch.nn.Linear(3, 1)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    runner = _fake_runner()
    runner.optim_wrapper = wrapper
    hook = NonFiniteGuardHook(max_consecutive=2)
    hook.before_train(runner)
    before = model.weight.detach().clone()
    wrapper.update_params(model(torch.full((2, 3), float('inf'))).sum())
    assert torch.equal(model.weight, before) and model.weight.grad is None
    hook.after_train_iter(runner, 0, outputs={'loss': torch.tensor(float('nan')), 'loss_cls': torch.tensor(1.0)})
    assert hook.consecutive == 1 and runner.message_hub.get_info('nonfinite_steps') == 1
    wrapper.update_params(model(torch.ones(2, 3)).sum())
    assert not torch.equal(model.weight, before)
    hook.after_train_iter(runner, 1, outputs={'loss': torch.tensor(1.0)})
    assert hook.consecutive == 0
    # Two bad steps in a row stop, naming the iteration and the non-finite terms.
    for _ in range(2):
        wrapper.update_params(model(torch.full((2, 3), float('nan'))).sum())
        try:
            hook.after_train_iter(runner, 2, outputs={'loss': torch.tensor(float('nan')),
                                                      'loss_u': torch.tensor(float('inf'))})
        except FloatingPointError as err:
            assert 'Iteration 7' in str(err) and 'loss, loss_u' in str(err)
            break
    else:
        pytest.fail('two consecutive non-finite steps did not stop the run')


def test_checkpoint_with_nonfinite_weights_is_refused() -> None:
    state = {'fc.weight': torch.ones(2), 'bn.running_mean': torch.tensor([0.0, float('nan')]),
             'bn.num_batches_tracked': torch.tensor(3)}
    with pytest.raises(FloatingPointError, match=r'1 tensors of the model hold NaN/Inf \(bn.running_mean\)'):
        NonFiniteGuardHook().before_save_checkpoint(_fake_runner(), {'state_dict': state})
