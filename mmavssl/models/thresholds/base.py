"""Common interface of the pseudo-label confidence thresholds."""
from abc import ABCMeta, abstractmethod
from typing import Dict, Optional, Tuple

import torch
from torch import Tensor, nn


class BaseThreshold(nn.Module, metaclass=ABCMeta):
    """Decides which unlabeled samples get a pseudo label (the indicator of Eq. 3 / Eq. 4).

    ``forward(probs, idx)`` returns the batch mask computed from the state left by the previous update and,
    in training mode, then updates the state with this batch (USB's order; FreeMatch updates first, as USB).
    The update is therefore part of the forward call and needs no hook; every rank must call ``forward``
    at every training step because stateful thresholds all-gather the batch across ranks.
    """

    @abstractmethod
    def forward(self, probs: Tensor, idx: Optional[Tensor] = None) -> Tensor:
        """Mask of confident samples.

        Args:
            probs: (B, K) class probabilities of the teacher on the weak views.
            idx: (B,) indices of the samples in the unlabeled dataset (needed by stateful thresholds).

        Returns:
            (B,) float 0/1 mask.
        """

    @abstractmethod
    def class_thresholds(self) -> Tensor:
        """Current per-class thresholds, (K,), or (1,) for a class-independent threshold (for logging)."""


class PerClipState:
    """Mixin of thresholds that keep one entry per unlabeled clip in registered buffers.

    Subclasses call :meth:`init_per_clip_state`, list their per-clip buffers in ``PER_CLIP_BUFFERS``
    (``name -> (fill value, dtype)``; the first one decides the size of a loaded state) and implement
    ``class_thresholds`` and :meth:`record`; the mask compares each row's maximum with its class's threshold.
    """

    PER_CLIP_BUFFERS: Dict[str, Tuple[float, torch.dtype]] = {}
    num_classes: int
    num_unlabeled: Optional[int]

    def init_per_clip_state(self, num_classes: int, num_unlabeled: Optional[int]) -> None:
        """Check and set ``num_classes`` / ``num_unlabeled``, then register every per-clip buffer, filled.

        Args:
            num_classes: Number of classes K (>= 1).
            num_unlabeled: Size N of the unlabeled dataset (>= 1), or None to size it later; the buffers then
                have size 0.

        Raises:
            ValueError: If either is below 1.
        """
        if num_classes < 1 or (num_unlabeled is not None and num_unlabeled < 1):
            raise ValueError(f'{type(self).__name__} needs num_classes >= 1 and num_unlabeled >= 1, got '
                             f'{num_classes}, {num_unlabeled}.')
        self.num_classes = num_classes
        self.num_unlabeled = num_unlabeled
        for name, (fill, dtype) in self.PER_CLIP_BUFFERS.items():
            self.register_buffer(name, torch.full((num_unlabeled or 0, ), fill, dtype=dtype))

    def set_num_unlabeled(self, num_unlabeled: int) -> None:
        """Size the per-clip state for an unlabeled dataset of ``num_unlabeled`` clips (before training).

        Args:
            num_unlabeled: Size N of the unlabeled dataset.

        Raises:
            ValueError: If the threshold was already sized for another N (the config's ``num_unlabeled``
                disagrees with the data).
        """
        name = type(self).__name__
        if self.num_unlabeled is not None and self.num_unlabeled != num_unlabeled:
            raise ValueError(f'{name} was built for num_unlabeled={self.num_unlabeled} but the unlabeled dataset '
                             f'has {num_unlabeled} clips; set num_unlabeled=None to size it from the data')
        if self.num_unlabeled is None:
            self.num_unlabeled = int(num_unlabeled)
            for buf, (fill, dtype) in self.PER_CLIP_BUFFERS.items():
                setattr(self, buf, torch.full((self.num_unlabeled, ), fill, dtype=dtype,
                                              device=getattr(self, buf).device))

    def check_sized(self) -> None:
        """Raise a RuntimeError naming the fix when the per-clip state was never sized."""
        if self.num_unlabeled is None:
            raise RuntimeError(f'{type(self).__name__}(num_unlabeled=None) has not been sized: train it through '
                               'SemiIterBasedTrainLoop (it reads the unlabeled count from the sampler) or set '
                               'num_unlabeled')

    def check_indices(self, idx: Optional[Tensor]) -> None:
        """Raise a ValueError when ``idx`` (B,) is missing or outside [0, num_unlabeled)."""
        name = type(self).__name__
        if idx is None:
            raise ValueError(f'{name} needs the unlabeled dataset index of every sample: the unlabeled data '
                             "samples must carry metainfo 'sample_idx'.")
        if idx.numel() and (idx.min() < 0 or idx.max() >= self.num_unlabeled):
            raise ValueError(f'sample_idx out of range [0, {self.num_unlabeled}): got {idx.tolist()}; set '
                             'num_unlabeled to the size of the unlabeled dataset.')

    def forward(self, probs: Tensor, idx: Optional[Tensor] = None) -> Tensor:
        """Mask with the current per-class thresholds, then (training mode) :meth:`record` this batch.

        Args:
            probs: (B, K) probabilities.
            idx: (B,) unlabeled-dataset indices (``sample_idx`` of the unlabeled samples).

        Returns:
            (B,) float 0/1 mask.
        """
        self.check_sized()
        conf, pred = probs.detach().float().max(dim=1)
        mask = (conf >= self.class_thresholds().to(conf.device)[pred]).float()
        if self.training:
            self.record(idx, pred, conf)
        return mask

    def record(self, idx: Optional[Tensor], pred: Tensor, conf: Tensor) -> None:
        """Write a batch's (B,) indices, predicted classes and confidences into the per-clip state."""
        raise NotImplementedError

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args, **kwargs) -> None:
        # An unsized threshold (num_unlabeled=None) takes the size of the state it loads, so a trained
        # checkpoint loads for testing or a demo, where no training loop reads the size from the sampler.
        saved = state_dict.get(prefix + next(iter(self.PER_CLIP_BUFFERS)))
        if self.num_unlabeled is None and torch.is_tensor(saved) and saved.dim() == 1 and saved.numel() > 0:
            self.set_num_unlabeled(saved.numel())
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
