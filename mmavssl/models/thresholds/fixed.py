"""FixMatch's fixed confidence threshold (Eq. 3)."""
from typing import Optional

import torch
from torch import Tensor

from mmavssl.registry import MODELS
from .base import BaseThreshold


@MODELS.register_module()
class FixedThreshold(BaseThreshold):
    """Keep a sample when its maximum probability reaches ``tau``.

    Args:
        tau: Confidence threshold in [0, 1].
    """

    def __init__(self, tau: float = 0.95) -> None:
        super().__init__()
        if not 0.0 <= tau <= 1.0:
            raise ValueError(f'FixedThreshold tau must lie in [0, 1], got {tau}.')
        self.tau = tau

    def forward(self, probs: Tensor, idx: Optional[Tensor] = None) -> Tensor:
        """Mask ``max(probs) >= tau``; ``idx`` is unused. Shapes as :meth:`BaseThreshold.forward`."""
        return (probs.max(dim=1).values >= self.tau).float()

    def class_thresholds(self) -> Tensor:
        """The single threshold as a (1,) tensor."""
        return torch.tensor([self.tau])
