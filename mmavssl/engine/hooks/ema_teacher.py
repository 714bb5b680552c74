"""EMA update of the teacher from the student (mean teacher)."""
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn

from mmavssl.registry import HOOKS


@HOOKS.register_module()
class EMATeacherHook(Hook):
    """Keep ``model.teacher`` an exponential moving average of ``model.student``.

    Convention (mmdet ``MeanTeacherHook``, mmengine ``ExponentialMovingAverage``): **momentum = 1 - decay**,
    ``teacher = (1 - momentum) * teacher + momentum * student``. SVFormer's decay 0.99 is ``momentum=0.01``;
    USB's ``ema_m=0.999`` is ``momentum=0.001``.

    Before training starts at iteration 0 the student is copied into the teacher (parameters and buffers), so
    a resumed run keeps its checkpointed teacher. After every ``interval`` training iterations the parameters
    are averaged. Buffers: with ``update_buffers=False`` they are copied from the student (mmengine's policy;
    keeps integer counters and normalisation statistics in step), with ``True`` floating-point buffers are
    averaged like parameters and the others copied.

    Args:
        momentum: Weight of the student in each update, in (0, 1).
        interval: Update every ``interval`` iterations.
        update_buffers: Average floating-point buffers instead of copying them.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, momentum: float = 0.01, interval: int = 1, update_buffers: bool = False) -> None:
        if not 0.0 < momentum < 1.0:
            raise ValueError(f'EMATeacherHook momentum (= 1 - decay) must lie in (0, 1), got {momentum}.')
        if interval < 1:
            raise ValueError(f'EMATeacherHook interval must be >= 1, got {interval}.')
        self.momentum = momentum
        self.interval = interval
        self.update_buffers = update_buffers

    @staticmethod
    def _model(runner) -> nn.Module:
        """The unwrapped model, checked for ``student`` and ``teacher``."""
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not (hasattr(model, 'student') and hasattr(model, 'teacher')):
            raise TypeError(f'EMATeacherHook needs a model with `student` and `teacher` '
                            f'(SemiSupervisedAVRecognizer), got {type(model).__name__}.')
        return model

    def before_train(self, runner) -> None:
        """Copy the student into the teacher when training starts from iteration 0."""
        model = self._model(runner)
        if runner.iter == 0:
            self.momentum_update(model, 1.0)

    def after_train_iter(self, runner, batch_idx: int, data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        """Average the student into the teacher every ``interval`` iterations."""
        if (runner.iter + 1) % self.interval == 0:
            self.momentum_update(self._model(runner), self.momentum)

    @torch.no_grad()
    def momentum_update(self, model: nn.Module, momentum: float) -> None:
        """``teacher = (1 - momentum) * teacher + momentum * student``; ``momentum=1`` copies.

        Args:
            model: Module with ``student`` and ``teacher`` of identical structure.
            momentum: Weight of the student.
        """
        for p_t, p_s in zip(model.teacher.parameters(), model.student.parameters()):
            if momentum == 1.0:
                p_t.copy_(p_s)
            else:
                p_t.mul_(1 - momentum).add_(p_s.detach(), alpha=momentum)
        for b_t, b_s in zip(model.teacher.buffers(), model.student.buffers()):
            if self.update_buffers and momentum < 1.0 and b_t.dtype.is_floating_point:
                b_t.mul_(1 - momentum).add_(b_s, alpha=momentum)
            else:
                b_t.copy_(b_s)
