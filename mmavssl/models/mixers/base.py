"""Shared pieces of the token mixers: the common interface, the result record and the kept-token count."""
from abc import ABCMeta, abstractmethod
from typing import NamedTuple, Optional, Tuple

import torch
from torch import Tensor, nn


class MixResult(NamedTuple):
    """Token mask and mixing ratio of one mixed batch.

    Attributes:
        mask: (B, T', N) float 0/1; 1 keeps clip A's token, 0 takes partner B's token (Eq. 5).
        lam: (B,) clip A's share of the mix, the ratio used for the audio mix (Eq. 6) and the mixed pseudo
            label, so the two agree exactly. By default (the paper) the fraction of A's tokens actually kept,
            ``mask.mean((1, 2))``; :meth:`BaseMixer.relabel` may replace it by a content-aware share.
    """

    mask: Tensor
    lam: Tensor


class BaseMixer(nn.Module, metaclass=ABCMeta):
    """Draws the token mask of Eq. 5 that mixes clips A with their partners B inside the video backbone.

    ``SemiSupervisedAVRecognizer`` calls ``forward(grid, batch_size, maps=maps)`` once per training step and
    mixes the fbanks (Eq. 6) and the pseudo labels with the returned ``lam``. A mixer whose
    :attr:`requires_maps` is True gets the frozen localizer's maps of clips A; the others get ``maps=None``,
    so the recognizer runs no localizer for them.

    Attributes:
        requires_maps: Whether :meth:`forward` needs the localization maps of clips A.
    """

    requires_maps: bool = False

    @abstractmethod
    def forward(self, grid: Tuple[int, int, int], batch_size: int, maps: Optional[Tensor] = None,
                lam: Optional[Tensor] = None) -> MixResult:
        """Draw one mask per clip A.

        Args:
            grid: Token grid (T', h, w) of the video backbone.
            batch_size: Number of clips A, B.
            maps: (B, T, hm, wm) localization maps of clips A (mixers with :attr:`requires_maps`), else None.
            lam: Optional (B,) mixing ratios replacing the mixer's own draw (tests, fixed-ratio studies).

        Returns:
            MixResult with mask (B, T', h*w) float 0/1 and lam (B,) = the fraction of A's tokens kept.
        """

    def relabel(self, grid: Tuple[int, int, int], result: MixResult, partner: Tensor,
                maps: Optional[Tensor] = None) -> MixResult:
        """Clip A's share of the mix once the partners are known (called after :meth:`forward`).

        The default keeps ``result`` (lam = the fraction of A's tokens, as in the paper).

        Args:
            grid: Token grid (T', h, w) of the video backbone.
            result: The mask drawn by :meth:`forward`, (B, T', N), and its lam (B,).
            partner: (B,) index of each clip's partner B in the batch.
            maps: (B, T, hm, wm) localization maps of the batch's clips (mixers with :attr:`requires_maps`).

        Returns:
            The MixResult whose lam the audio mix and the mixed label use.
        """
        return result


def num_kept_tokens(lam: Tensor, num_tokens: int, rounding: str = 'round') -> Tensor:
    """Number of clip-A tokens to keep per frame for mixing ratios ``lam``.

    The count is clamped to ``[1, num_tokens - 1]`` so that both clips always contribute at least one token
    (``torch.multinomial`` without replacement also needs at most ``num_tokens`` draws).

    Args:
        lam: (B,) mixing ratios in [0, 1].
        num_tokens: Tokens per frame N (at least 2).
        rounding: ``'round'`` (nearest integer) or ``'floor'`` (``int(lam * N)`` as SVFormer's TubeMasking).

    Returns:
        (B,) LongTensor of counts k with 1 <= k <= N - 1.

    Raises:
        ValueError: On an unknown rounding mode or fewer than 2 tokens.
    """
    if num_tokens < 2:
        raise ValueError(f'token mixing needs at least 2 tokens per frame, got N={num_tokens}.')
    scaled = lam * num_tokens
    if rounding == 'round':
        k = torch.round(scaled)
    elif rounding == 'floor':
        k = torch.floor(scaled)
    else:
        raise ValueError(f"rounding must be 'round' or 'floor', got '{rounding}'.")
    return k.long().clamp(1, num_tokens - 1)


def sample_beta(alpha: float, beta: float, batch_size: int, device: torch.device) -> Tensor:
    """Draw ``batch_size`` mixing ratios from Beta(alpha, beta) with the global torch RNG.

    Args:
        alpha: First concentration (> 0).
        beta: Second concentration (> 0).
        batch_size: Number of draws B.
        device: Device of the result.

    Returns:
        (B,) float tensor in (0, 1).
    """
    dist = torch.distributions.Beta(torch.tensor(float(alpha)), torch.tensor(float(beta)))
    return dist.sample((batch_size, )).to(device)
