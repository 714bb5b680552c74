"""Eq. 13-18: symmetric visual-audio InfoNCE over L2-normalised CLS embeddings."""
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmavssl.registry import MODELS


@MODELS.register_module()
class AVContrastiveLoss(nn.Module):
    """``L_c = (NCE_1 + NCE_2) / 2`` with ``S = Z'_aud Z'_vid^T / temperature`` (Eq. 15-18).

    Row i of both matrices is one clip (labeled, unlabeled or mixed, Eq. 13); the pair (i, i) is the positive
    and every other row of the batch a negative. NCE_1 normalises S over rows, NCE_2 over columns.

    Args:
        temperature: Softmax temperature (paper: 0.05).
    """

    def __init__(self, temperature: float = 0.05) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'AVContrastiveLoss temperature must be > 0, got {temperature}.')
        self.temperature = temperature

    def forward(self, z_vid: Tensor, z_aud: Tensor) -> Tensor:
        """Compute L_c.

        Args:
            z_vid: (K, D) video embeddings.
            z_aud: (K, D) audio embeddings of the same clips, row-aligned.

        Returns:
            Scalar loss.

        Raises:
            ValueError: If the shapes differ or are not 2-D.
        """
        if z_vid.dim() != 2 or z_vid.shape != z_aud.shape:
            raise ValueError(f'AVContrastiveLoss expects two (K, D) tensors of equal shape, got '
                             f'{tuple(z_vid.shape)} and {tuple(z_aud.shape)}.')
        sim = F.normalize(z_aud, dim=1) @ F.normalize(z_vid, dim=1).t() / self.temperature
        target = torch.arange(sim.shape[0], device=sim.device)
        return (F.cross_entropy(sim, target) + F.cross_entropy(sim.t(), target)) / 2
