"""Eq. 5 with SVFormer's TubeToken mask: one random spatial mask repeated over every temporal token."""
from typing import Optional, Tuple

import torch
from torch import Tensor

from mmavssl.registry import MODELS
from .base import BaseMixer, MixResult, num_kept_tokens, sample_beta


@MODELS.register_module()
class TubeTokenMixup(BaseMixer):
    """TubeToken mixing mask of SVFormer (TTMix).

    For each sample, ``n = k(lam * N)`` of the ``N = h * w`` token positions are chosen uniformly at random
    and kept from clip A in every temporal token (a "tube"); the rest come from partner clip B.

    Args:
        alpha: Concentration of lam ~ Beta(alpha, alpha). SVFormer's public fork uses 10.
        share_across_batch: If True (SVFormer's ``TubeMasking``), one lam and one mask serve the whole batch;
            otherwise every sample draws its own.
        rounding: ``'floor'`` (SVFormer's ``int(lam * N)``) or ``'round'``; the count is clamped to [1, N-1].
    """

    def __init__(self, alpha: float = 10.0, share_across_batch: bool = True, rounding: str = 'floor') -> None:
        super().__init__()
        if alpha <= 0:
            raise ValueError(f'TubeTokenMixup alpha must be > 0, got {alpha}.')
        self.alpha = alpha
        self.share_across_batch = share_across_batch
        self.rounding = rounding

    def forward(self, grid: Tuple[int, int, int], batch_size: int, maps: Optional[Tensor] = None,
                lam: Optional[Tensor] = None) -> MixResult:
        """Draw tube masks.

        Args:
            grid: Token grid (T', h, w) of the video backbone.
            batch_size: Batch size B.
            maps: Ignored (accepted so that every mixer has the same call).
            lam: Optional (B,) ratios replacing the Beta draw (only the first is used when the mask is shared).

        Returns:
            MixResult with mask (B, T', h*w) and lam (B,).
        """
        t, h, w = grid
        n_tok = h * w
        rows = 1 if self.share_across_batch else batch_size
        if lam is None:
            lam = sample_beta(self.alpha, self.alpha, rows, torch.device('cpu'))
        k = num_kept_tokens(lam[:rows].float().cpu(), n_tok, self.rounding)
        # A uniformly random permutation per row; its first k positions are kept.
        order = torch.rand(rows, n_tok).argsort(dim=1)
        spatial = (torch.arange(n_tok).unsqueeze(0) < k.unsqueeze(1)).float()
        spatial = torch.zeros(rows, n_tok).scatter_(1, order, spatial)
        mask = spatial.unsqueeze(1).expand(rows, t, n_tok).expand(batch_size, t, n_tok).contiguous()
        return MixResult(mask=mask, lam=mask.mean(dim=(1, 2)))
