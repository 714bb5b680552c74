"""FreeMatch's self-adaptive thresholds, as USB's FreeMatchThresholingHook, DDP-consistent."""
from typing import Optional

import torch
from torch import Tensor

from mmavssl.registry import MODELS
from .base import BaseThreshold
from .dist_utils import all_gather_rows


@MODELS.register_module()
class FreeMatchThreshold(BaseThreshold):
    """Global EMA confidence ``time_p`` times the max-normalised EMA class distribution ``p_model``.

    In training mode the state is first updated with the batch probabilities all-gathered across ranks
    (``s <- m * s + (1 - m) * batch statistic``), then the mask ``max p >= time_p * p_model[c] / max p_model``
    is computed (USB's order). FreeMatch's fairness loss is not part of this module.

    Args:
        num_classes: Number of classes K.
        ema_p: EMA decay m of the statistics (USB 0.999).
        use_quantile: Use the 0.8-quantile of the maximum probabilities instead of their mean.
        clip_thresh: Clip ``time_p`` to at most 0.95.
    """

    reads_max_only = False  # the class distribution p_model averages whole probability rows

    def __init__(self, num_classes: int, ema_p: float = 0.999, use_quantile: bool = False,
                 clip_thresh: bool = False) -> None:
        super().__init__()
        if not 0.0 <= ema_p < 1.0:
            raise ValueError(f'FreeMatchThreshold ema_p must lie in [0, 1), got {ema_p}.')
        self.num_classes = num_classes
        self.ema_p = ema_p
        self.use_quantile = use_quantile
        self.clip_thresh = clip_thresh
        self.register_buffer('p_model', torch.full((num_classes, ), 1.0 / num_classes))
        self.register_buffer('label_hist', torch.full((num_classes, ), 1.0 / num_classes))
        self.register_buffer('time_p', torch.tensor(1.0 / num_classes))

    def class_thresholds(self) -> Tensor:
        """(K,) thresholds ``time_p * p_model / max(p_model)``."""
        return self.time_p * self.p_model / self.p_model.max()

    def forward(self, probs: Tensor, idx: Optional[Tensor] = None) -> Tensor:
        """Update the state (training mode), then mask. ``idx`` is unused. Shapes as the base class."""
        probs = probs.detach()
        if self.training:
            self.update(probs)
        conf, pred = probs.max(dim=1)
        return (conf >= self.class_thresholds().to(conf.device)[pred]).float()

    @torch.no_grad()
    def update(self, probs: Tensor) -> None:
        """EMA-update ``time_p``, ``p_model`` and ``label_hist`` (collective: call on every rank).

        Args:
            probs: (B, K) probabilities of this rank.
        """
        probs = all_gather_rows(probs.float().to(self.p_model.device))
        conf, pred = probs.max(dim=1)
        m = self.ema_p
        stat = torch.quantile(conf, 0.8) if self.use_quantile else conf.mean()
        self.time_p.mul_(m).add_((1 - m) * stat)
        if self.clip_thresh:
            self.time_p.clamp_(max=0.95)
        self.p_model.mul_(m).add_((1 - m) * probs.mean(dim=0))
        hist = torch.bincount(pred, minlength=self.num_classes).float()
        self.label_hist.mul_(m).add_((1 - m) * hist / hist.sum())
