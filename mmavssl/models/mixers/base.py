"""Shared pieces of the token mixers: the result record and the kept-token count."""
from typing import NamedTuple

import torch
from torch import Tensor


class MixResult(NamedTuple):
    """Token mask and mixing ratio of one mixed batch.

    Attributes:
        mask: (B, T', N) float 0/1; 1 keeps clip A's token, 0 takes partner B's token (Eq. 5).
        lam: (B,) fraction of A's tokens actually kept, ``mask.mean((1, 2))``. It is the ratio used for the
            audio mix (Eq. 6) and the mixed pseudo label, so the three agree exactly.
    """

    mask: Tensor
    lam: Tensor


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
