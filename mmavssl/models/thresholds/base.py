"""Common interface of the pseudo-label confidence thresholds."""
from abc import ABCMeta, abstractmethod
from typing import Optional

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
