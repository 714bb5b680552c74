"""``RNGStateHook``: checkpoint the random generators so that a resumed run continues the same random stream."""
import random
from typing import Optional

import numpy as np
import torch
from mmengine.hooks import Hook

from mmavssl.registry import HOOKS


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Save the Python, NumPy, torch (and CUDA) generator states in every checkpoint; restore them on resume.

    mmengine re-seeds from ``randomness.seed`` when a run is resumed, so the model's own draws (mixup lam and
    masks, partner permutations), which come from these global generators in the main process, would differ
    from an uninterrupted run. With this hook, a run resumed from iteration ``i`` draws exactly what the
    uninterrupted run drew after iteration ``i`` (tested, with and without dataloader workers). The data's
    augmentations do not depend on these states: ``LabeledUnlabeledSampler`` seeds every sample from its
    position. Restoring happens in ``before_train`` and only when resuming (``runner.iter > 0``), so
    ``load_from`` (fine-tuning) keeps the configured seed.

    Validation is kept out of the training stream: the states are saved in ``before_val`` and put back in
    ``after_val``. Otherwise what validation draws (a base seed per dataloader iterator, any random transform)
    would shift the training draws after each validation, which a run resumed from the checkpoint saved just
    before that validation never ran.

    States are stored as tensors and plain Python values so that the checkpoint loads with ``weights_only``.
    """

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._pending: Optional[dict] = None
        self._before_val: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Add ``checkpoint['rng_state']``."""
        checkpoint['rng_state'] = _get_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Keep the saved states until training starts."""
        self._pending = checkpoint.get('rng_state')

    def before_train(self, runner) -> None:
        """Restore the generators when the run resumes from a checkpoint that has them."""
        state, self._pending = self._pending, None
        if state is not None and runner.iter > 0:
            _set_state(state)

    def before_val(self, runner) -> None:
        """Remember the generators' states before validation draws from them."""
        self._before_val = _get_state()

    def after_val(self, runner) -> None:
        """Put back the states of before validation."""
        state, self._before_val = self._before_val, None
        _set_state(state)


def _get_state() -> dict:
    """The global generators' states as tensors and plain Python values."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state = dict(python=random.getstate(), torch=torch.get_rng_state(),
                 numpy=dict(kind=kind, keys=torch.from_numpy(keys.astype(np.int64)), pos=int(pos),
                            has_gauss=int(has_gauss), cached=float(cached)))
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def _set_state(state: dict) -> None:
    """Restore the global generators from :func:`_get_state`'s dict (possibly round-tripped through a checkpoint)."""
    random.setstate(_as_tuple(state['python']))
    torch.set_rng_state(state['torch'])
    np_state = state['numpy']
    np.random.set_state((np_state['kind'], np_state['keys'].numpy().astype(np.uint32), np_state['pos'],
                         np_state['has_gauss'], np_state['cached']))
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


def _as_tuple(value):
    """Python's generator state as ``random.setstate`` wants it (checkpoint loaders may turn tuples into lists)."""
    return tuple(_as_tuple(v) for v in value) if isinstance(value, (list, tuple)) else value
