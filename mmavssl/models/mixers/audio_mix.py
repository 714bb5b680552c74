"""Eq. 6: mixing of the strongly augmented log-mel fbanks with the video's mixing ratio."""
from torch import Tensor


def mix_audio(a: Tensor, b: Tensor, lam: Tensor) -> Tensor:
    """Interpolate two batches of fbanks sample-wise: ``lam * a + (1 - lam) * b`` (Eq. 6).

    Args:
        a: (B, L, M) fbanks of clips A (strong augmentation).
        b: (B, L, M) fbanks of the partner clips B.
        lam: (B,) mixing ratios, the kept token fraction of :class:`MixResult` so that video and audio carry
            the same share of clip A.

    Returns:
        (B, L, M) mixed fbanks.

    Raises:
        ValueError: If the shapes disagree.
    """
    if a.shape != b.shape or lam.shape != a.shape[:1]:
        raise ValueError(f'mix_audio expects a, b of equal shape (B, L, M) and lam (B,), got '
                         f'{tuple(a.shape)}, {tuple(b.shape)}, {tuple(lam.shape)}.')
    w = lam.to(a.dtype).view(-1, *([1] * (a.dim() - 1)))
    return w * a + (1 - w) * b
