"""A hook that writes every training iteration's loss to ``<work_dir>/loss_history.json``."""
import json
import os
from typing import Any, List, Optional

from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmavssl.registry import HOOKS


@HOOKS.register_module()
class LossHistoryHook(Hook):
    """Record ``outputs['loss']`` after each training iteration and save the list when training ends.

    Args:
        filename: Name of the JSON file written in the work dir (a list of ``{'iter', 'loss'}``).
    """

    priority = 'LOW'

    def __init__(self, filename: str = 'loss_history.json') -> None:
        self.filename = filename
        self.history: List[dict] = []

    def after_train_iter(self, runner: Runner, batch_idx: int, data_batch: Any = None,
                         outputs: Optional[dict] = None) -> None:
        """Append the iteration number (1-based) and its total loss (a scalar tensor in ``outputs``)."""
        if outputs is not None and 'loss' in outputs:
            self.history.append(dict(iter=runner.iter + 1, loss=outputs['loss'].item()))

    def after_train(self, runner: Runner) -> None:
        """Write the history on the main process; a resumed run writes only the iterations it trained."""
        if runner.rank == 0:
            with open(os.path.join(runner.work_dir, self.filename), 'w') as f:
                json.dump(self.history, f, indent=1)
