"""FlexMatch's class-wise flexible thresholds (Eq. 4), as USB's FlexMatchThresholdingHook, DDP-consistent."""
from typing import Optional

import torch
from torch import Tensor

from mmavssl.registry import MODELS
from .base import BaseThreshold, PerClipState
from .dist_utils import all_gather_rows


@MODELS.register_module()
class FlexMatchThreshold(PerClipState, BaseThreshold):
    """Class-wise thresholds ``tau_c = p_cutoff * M(beta_c)`` with the convex mapping ``M(x) = x / (2 - x)``.

    ``selected_label[i]`` holds the last class that unlabeled sample ``i`` (dataset index) was predicted with
    confidence >= ``p_cutoff``, or -1. ``beta_c = count_c / max(counts)`` where, with ``thresh_warmup``, the
    max includes the count of -1 (unused samples), i.e. the paper's sigma_c / max(max_c sigma, N - sum sigma);
    without warmup it runs over classes only. beta is recomputed only while not all entries are equal (USB).
    Both are registered buffers, so checkpoints save and resume them.

    Order per training step: the mask uses beta from the previous step; then (idx, class, selected) of the
    batch are all-gathered across ranks and written, and beta is recomputed. All ranks thus hold the same
    state (USB and TorchSSL update per rank only).

    Args:
        num_classes: Number of classes K.
        num_unlabeled: Size N of the unlabeled dataset (indices must lie in [0, N)); None: sized from the data
            before training (``SemiIterBasedTrainLoop`` calls :meth:`set_num_unlabeled` with the sampler's
            unlabeled count, as USB reads ``ulb_dest_len`` from the dataset).
        p_cutoff: Base threshold tau.
        thresh_warmup: Count unused samples in the normaliser (FlexMatch's threshold warm-up).
    """

    PER_CLIP_BUFFERS = {'selected_label': (-1, torch.long)}

    def __init__(self, num_classes: int, num_unlabeled: Optional[int] = None, p_cutoff: float = 0.95,
                 thresh_warmup: bool = True) -> None:
        super().__init__()
        self.init_per_clip_state(num_classes, num_unlabeled)
        if not 0.0 <= p_cutoff <= 1.0:
            raise ValueError(f'FlexMatchThreshold p_cutoff must lie in [0, 1], got {p_cutoff}.')
        self.p_cutoff = p_cutoff
        self.thresh_warmup = thresh_warmup
        self.register_buffer('classwise_acc', torch.zeros(num_classes))

    def class_thresholds(self) -> Tensor:
        """(K,) thresholds ``p_cutoff * beta / (2 - beta)``."""
        return self.p_cutoff * self.classwise_acc / (2.0 - self.classwise_acc)

    def record(self, idx: Optional[Tensor], pred: Tensor, conf: Tensor) -> None:
        """Record the batch: :meth:`update` with the clips whose confidence reaches ``p_cutoff``."""
        self.update(idx, pred, conf >= self.p_cutoff)

    @torch.no_grad()
    def update(self, idx: Optional[Tensor], pred: Tensor, select: Tensor) -> None:
        """Record confident predictions of all ranks and recompute beta (collective: call on every rank).

        Args:
            idx: (B,) unlabeled-dataset indices.
            pred: (B,) predicted classes.
            select: (B,) bool, confidence >= ``p_cutoff``.

        Raises:
            ValueError: If ``idx`` is missing or out of range.
        """
        self.check_indices(idx)
        rows = torch.stack([idx.long().to(pred.device), pred.long(), select.long()], dim=1)
        rows = all_gather_rows(rows.to(self.selected_label.device))
        chosen = rows[rows[:, 2].bool()]
        self.selected_label[chosen[:, 0]] = chosen[:, 1]
        counts = torch.bincount(self.selected_label + 1, minlength=self.num_classes + 1)
        if counts.max() < self.num_unlabeled:
            denom = counts.max() if self.thresh_warmup else counts[1:].max()
            self.classwise_acc.copy_(counts[1:].float() / denom.clamp_min(1).float())
