"""``NonFiniteGuardHook``: skip optimizer steps with a NaN/Inf loss or gradient, stop after too many in a row."""
from typing import List, Optional

import torch
import torch.distributed as torch_dist
from mmengine.hooks import Hook
from mmengine.optim import AmpOptimWrapper, OptimWrapper, OptimWrapperDict

from mmavssl.registry import HOOKS


def _all_finite(tensors: List[torch.Tensor]) -> bool:
    """Whether every value of ``tensors`` is finite (one reduction, one host sync)."""
    if not tensors:
        return True
    return bool(torch.isfinite(torch.nn.utils.get_total_norm(tensors, norm_type=2.0)))


def _on_any_rank(flag: bool, device: torch.device) -> bool:
    """``flag`` OR-reduced over the ranks, so that every rank skips the same steps and DDP replicas stay equal."""
    if not (torch_dist.is_available() and torch_dist.is_initialized()) or torch_dist.get_world_size() == 1:
        return flag
    value = torch.tensor([float(flag)], device=device)
    torch_dist.all_reduce(value, op=torch_dist.ReduceOp.MAX)
    return bool(value.item())


def _non_finite_keys(state: dict) -> List[str]:
    """Keys of the floating-point tensors in ``state`` that hold NaN or Inf."""
    return [key for key, value in state.items()
            if torch.is_tensor(value) and value.is_floating_point() and not bool(torch.isfinite(value).all())]


@HOOKS.register_module()
class NonFiniteGuardHook(Hook):
    """Skip every optimizer step whose loss or gradient is NaN/Inf; stop the run after too many in a row.

    Without it a diverged run (e.g. a too-large learning rate) trains on with ``loss: nan``, saves NaN weights
    over the good checkpoints and exits 0. The hook wraps the runner's optim wrapper(s):

    * ``update_params`` notes whether the total loss is finite (backward still runs, so DDP's gradient
      all-reduce sees every rank);
    * ``step`` is skipped, with the gradients zeroed as usual, when the loss or the total gradient norm is
      non-finite on any rank. With an enabled ``GradScaler`` (``AmpOptimWrapper``), the scaler already skips
      overflowing steps; the hook counts those (the scale went down) instead of checking the scaled gradients.

    After the iteration, a skipped step is logged with the loss terms that were non-finite and counted
    (``nonfinite_steps`` in the message hub, so it lands in checkpoints). ``max_consecutive`` skipped steps in
    a row raise ``FloatingPointError`` naming the iteration and the terms, which ends the run with a non-zero
    exit code; so does a step that turns finite gradients into NaN/Inf weights (a far too large learning rate),
    checked on the weights after every step. Independently, ``before_save_checkpoint`` refuses to write a
    checkpoint whose ``state_dict`` holds a NaN/Inf tensor (non-finite inputs can poison normalisation buffers
    without any step), so no last, best or interval checkpoint ever holds non-finite weights.

    Args:
        max_consecutive: Skipped steps in a row that stop the run. Defaults to 10.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, max_consecutive: int = 10) -> None:
        if max_consecutive < 1:
            raise ValueError(f'max_consecutive must be >= 1, got {max_consecutive}.')
        self.max_consecutive = max_consecutive
        self.consecutive = 0
        self.total = 0
        self._loss_finite = True
        self._skipped: Optional[str] = None
        self._broken = False

    def before_train(self, runner) -> None:
        """Wrap the optim wrapper(s) and restore the skip count of a resumed run."""
        self.total = int(runner.message_hub.get_info('nonfinite_steps', 0))
        wrappers = runner.optim_wrapper
        wrappers = wrappers.values() if isinstance(wrappers, OptimWrapperDict) else [wrappers]
        for wrapper in wrappers:
            if isinstance(wrapper, OptimWrapper) and not getattr(wrapper, '_nonfinite_guarded', False):
                self._guard(wrapper)

    def _guard(self, wrapper: OptimWrapper) -> None:
        """Replace ``wrapper.update_params`` and ``wrapper.step`` by the checking versions (instance level)."""
        update_params, step = wrapper.update_params, wrapper.step
        scaler = getattr(wrapper, 'loss_scaler', None)
        scaled = isinstance(wrapper, AmpOptimWrapper) and scaler is not None and scaler.is_enabled()

        def guarded_update_params(loss: torch.Tensor, *args, **kwargs) -> None:
            # AND over the backward passes that an accumulating wrapper sums into one step.
            self._loss_finite = self._loss_finite and bool(torch.isfinite(loss).all())
            update_params(loss, *args, **kwargs)

        def guarded_step(**kwargs) -> None:
            loss_finite, self._loss_finite = self._loss_finite, True
            params = [p for group in wrapper.optimizer.param_groups for p in group['params']]
            device = params[0].device if params else torch.device('cpu')
            if _on_any_rank(not loss_finite, device):
                self._skipped = 'loss'
            elif scaled:
                scale = scaler.get_scale()
                step(**kwargs)
                if scaler.get_scale() < scale:
                    self._skipped = 'gradient (GradScaler skipped the step)'
            elif _on_any_rank(not _all_finite([p.grad for p in params if p.grad is not None]), device):
                self._skipped = 'gradient norm'
            else:
                step(**kwargs)
            # Finite gradients can still overflow the weights (a huge learning rate); that cannot be undone.
            if self._skipped is None and _on_any_rank(not _all_finite([p.detach() for p in params]), device):
                self._broken = True

        # mmengine's parameter schedulers mark the step they count calls of; the mark must survive the wrap.
        guarded_step._with_counter = getattr(step, '_with_counter', False)
        wrapper.update_params, wrapper.step = guarded_update_params, guarded_step
        wrapper._nonfinite_guarded = True

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs: Optional[dict] = None) -> None:
        """Count a skipped step, log it, and stop after ``max_consecutive`` in a row."""
        outputs = dict(outputs or {})
        if self._broken:
            loss = float(outputs.get('loss', float('nan')))
            raise FloatingPointError(
                f'Iteration {runner.iter + 1}: the optimizer step turned finite gradients into NaN/Inf weights '
                f'(loss: {loss:.4g}). Stopping: the learning rate is far too large; lower '
                'optim_wrapper.optimizer.lr. The checkpoints on disk hold the last finite weights.')
        skipped, self._skipped = self._skipped, None
        if skipped is None:
            self.consecutive = 0
            return
        self.consecutive += 1
        self.total += 1
        runner.message_hub.update_info('nonfinite_steps', self.total)
        terms = ', '.join(_non_finite_keys(outputs)) or 'none'
        message = (f'Iteration {runner.iter + 1}: non-finite {skipped} (non-finite loss terms: {terms}); the '
                   f'optimizer step was skipped ({self.consecutive} in a row, {self.total} in this run).')
        if self.consecutive >= self.max_consecutive:
            raise FloatingPointError(
                f'{message} Stopping: {self.consecutive} consecutive non-finite steps. The run has diverged or its '
                'inputs hold NaN/Inf; lower optim_wrapper.optimizer.lr, add optim_wrapper.clip_grad, or check the '
                'data. The checkpoints on disk hold the last finite weights (a checkpoint is never written with '
                'NaN/Inf weights).')
        runner.logger.warning(message)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Refuse to write a checkpoint whose weights or buffers hold NaN/Inf."""
        bad = _non_finite_keys(checkpoint.get('state_dict', {}))
        if bad:
            shown = ', '.join(bad[:5]) + (f' and {len(bad) - 5} more' if len(bad) > 5 else '')
            raise FloatingPointError(
                f'Refusing to save a checkpoint at iteration {runner.iter + 1}: {len(bad)} tensors of the model '
                f'hold NaN/Inf ({shown}). The previous checkpoints are untouched; the inputs or the training '
                'diverged (see the non-finite step warnings above).')
