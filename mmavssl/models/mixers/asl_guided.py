"""Sec. 3.3: audio-source-localization guided token mask (sampling without replacement from the map)."""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

from mmavssl.registry import MODELS
from .base import BaseMixer, MixResult, num_kept_tokens, sample_beta


@MODELS.register_module()
class ASLGuidedMixup(BaseMixer):
    """Token mask sampled from clip A's audio-source localization map.

    Per sample, lam ~ Beta(alpha1, alpha2) and ``k = round(lam * N)`` (clamped to [1, N-1]). The maps are
    averaged over groups of ``G = max(frames_per_map, tubelet)`` consecutive frames, resized to the token grid,
    min-max normalised per group and floored at ``eps``; then k token positions are drawn without replacement
    with the map as weights (``torch.multinomial``) and kept from clip A for every temporal token of the group.

    With ``frames_per_map=1`` and a per-frame patch embedding this is the paper's best setting (one mask per
    frame, Fig. 5). For a tubelet backbone (T' < T) the tubelet size ``T // T'`` frames form the smallest group.

    Args:
        alpha1: First concentration of lam's Beta law (paper: 5).
        alpha2: Second concentration (paper: 10).
        frames_per_map: Consecutive frames whose maps are averaged and share one mask (1, 2, 4, 8 in Fig. 5).
        resize_mode: ``F.interpolate`` mode for map -> token grid (``'bilinear'``, ``'bicubic'``, ``'area'``,
            ``'nearest'``).
        eps: Floor added to the normalised weights. After min-max normalisation the weakest token has weight
            0 and ``torch.multinomial`` without replacement cannot draw zero-weight entries; the floor keeps
            every token drawable while barely changing the ordering. A constant (or all-zero) map has no
            contrast and falls back to uniform sampling.
        rounding: ``'round'`` or ``'floor'`` for k.
        lam_from: What lam, the share of clip A in the audio mix and in the mixed label, measures.
            ``'tokens'`` (the paper): the fraction of A's tokens kept, ``mask.mean()``. ``'map_mass'``: A's
            share of the localization mass that the mix shows, ``m_A / (m_A + m_B)`` with ``m_A`` the fraction
            of A's map weights on the tokens kept from A and ``m_B`` that of B's map weights on the tokens taken
            from B (the weights of :meth:`token_weights`; a content-aware label in the spirit of SaliencyMix
            and TransMix). The masks keep A's sounding object first, so k / N undercounts A's share of the
            evidence; docs/method.md.
    """

    requires_maps = True

    def __init__(self, alpha1: float = 5.0, alpha2: float = 10.0, frames_per_map: int = 1,
                 resize_mode: str = 'bilinear', eps: float = 1e-4, rounding: str = 'round',
                 lam_from: str = 'tokens') -> None:
        super().__init__()
        if alpha1 <= 0 or alpha2 <= 0:
            raise ValueError(f'ASLGuidedMixup needs alpha1, alpha2 > 0, got {alpha1}, {alpha2}.')
        if frames_per_map < 1:
            raise ValueError(f'frames_per_map must be >= 1, got {frames_per_map}.')
        if eps <= 0:
            raise ValueError(f'eps must be > 0 (zero-weight tokens cannot be sampled), got {eps}.')
        self.alpha1 = alpha1
        self.alpha2 = alpha2
        self.frames_per_map = frames_per_map
        self.resize_mode = resize_mode
        self.eps = eps
        if lam_from not in ('tokens', 'map_mass'):
            raise ValueError(f"lam_from must be 'tokens' or 'map_mass', got '{lam_from}'.")
        self.rounding = rounding
        self.lam_from = lam_from

    def token_weights(self, maps: Tensor, grid: Tuple[int, int, int]) -> Tuple[Tensor, int]:
        """Turn localization maps into per-group sampling weights on the token grid.

        Args:
            maps: (B, T, hm, wm) maps of clips A, one per frame.
            grid: Token grid (T', h, w).

        Returns:
            Tuple of weights (B, T/G, h*w), each row min-max normalised plus ``eps`` (uniform rows for constant
            maps), and the number of temporal tokens per group ``G / tubelet``.

        Raises:
            ValueError: If the frame count is not a multiple of T' or of the group size.
        """
        b, t, hm, wm = maps.shape
        t_tok, h, w = grid
        if t % t_tok:
            raise ValueError(f'maps have {t} frames, not a multiple of the {t_tok} temporal tokens.')
        group = max(self.frames_per_map, t // t_tok)
        if t % group:
            raise ValueError(f'{t} frames cannot be split into groups of frames_per_map={self.frames_per_map} '
                             f'(tubelet {t // t_tok}); choose a divisor of {t}.')
        m = maps.float().reshape(b, t // group, group, hm, wm).mean(dim=2)
        if (hm, wm) != (h, w):
            kwargs = {} if self.resize_mode in ('nearest', 'area') else {'align_corners': False}
            m = F.interpolate(m, size=(h, w), mode=self.resize_mode, **kwargs)
        m = m.flatten(2)
        lo = m.amin(dim=2, keepdim=True)
        span = m.amax(dim=2, keepdim=True) - lo
        flat = span <= torch.finfo(m.dtype).eps * m.abs().amax(dim=2, keepdim=True).clamp_min(1.0)
        norm = torch.where(flat, torch.ones_like(m), (m - lo) / span.clamp_min(torch.finfo(m.dtype).tiny))
        return norm + self.eps, group // (t // t_tok)

    def forward(self, grid: Tuple[int, int, int], batch_size: int, maps: Optional[Tensor] = None,
                lam: Optional[Tensor] = None) -> MixResult:
        """Draw ASL-guided masks.

        Args:
            grid: Token grid (T', h, w) of the video backbone.
            batch_size: Batch size B.
            maps: (B, T, hm, wm) localization maps of clips A (required).
            lam: Optional (B,) ratios replacing the Beta draw.

        Returns:
            MixResult with mask (B, T', h*w) on ``maps.device`` and lam (B,).

        Raises:
            ValueError: If ``maps`` is missing, its batch size differs from ``batch_size``, or it holds NaN/Inf.
        """
        if maps is None or maps.shape[0] != batch_size:
            raise ValueError('ASLGuidedMixup needs maps (B, T, h, w) of clips A from the localizer; got '
                             f'{None if maps is None else tuple(maps.shape)} for batch size {batch_size}.')
        finite = torch.isfinite(maps)
        if not bool(finite.all()):
            # torch.multinomial would otherwise fail with an unrelated "invalid distribution" message.
            bad = (~finite).flatten(1).any(dim=1).nonzero().flatten().tolist()
            raise ValueError(f'ASLGuidedMixup got non-finite localization maps ({int((~finite).sum())} NaN/Inf '
                             f'values, clips {bad} of the batch). The localizer saw NaN/Inf inputs (check the '
                             'audio and frames of those clips) or its weights are broken (check its checkpoint).')
        weights, tokens_per_group = self.token_weights(maps, grid)
        b, groups, n_tok = weights.shape
        if lam is None:
            lam = sample_beta(self.alpha1, self.alpha2, b, weights.device)
        k = num_kept_tokens(lam.to(weights.device).float(), n_tok, self.rounding)
        # A full weighted draw without replacement; its first k entries are a k-sample without replacement.
        order = torch.multinomial(weights.reshape(b * groups, n_tok), n_tok, replacement=False)
        rank_keep = (torch.arange(n_tok, device=weights.device).view(1, 1, n_tok) < k.view(b, 1, 1)).float()
        mask = torch.zeros(b * groups, n_tok, device=weights.device).scatter_(
            1, order, rank_keep.expand(b, groups, n_tok).reshape(b * groups, n_tok))
        mask = mask.view(b, groups, n_tok).repeat_interleave(tokens_per_group, dim=1)
        return MixResult(mask=mask, lam=mask.mean(dim=(1, 2)))

    def relabel(self, grid: Tuple[int, int, int], result: MixResult, partner: Tensor,
                maps: Optional[Tensor] = None) -> MixResult:
        """With ``lam_from='map_mass'``, replace lam by clip A's share of the localization mass in the mix.

        Args:
            grid: Token grid (T', h, w) of the video backbone.
            result: The mask (B, T', N) drawn by :meth:`forward` and its lam (B,).
            partner: (B,) index of each clip's partner B.
            maps: (B, T, hm, wm) localization maps of the batch's clips (required for ``'map_mass'``).

        Returns:
            ``result`` unchanged for ``'tokens'``; else the same mask with lam = m_A / (m_A + m_B) (B,).

        Raises:
            ValueError: If ``'map_mass'`` gets no maps.
        """
        if self.lam_from == 'tokens':
            return result
        if maps is None:
            raise ValueError("ASLGuidedMixup(lam_from='map_mass') needs the localization maps of the batch.")
        weights, tokens_per_group = self.token_weights(maps, grid)
        keep = result.mask.to(weights.device)[:, ::tokens_per_group]  # one mask row per map group
        weights = weights / weights.sum(dim=2, keepdim=True)
        mass_a = (keep * weights).sum(dim=(1, 2))
        mass_b = ((1 - keep) * weights[partner.to(weights.device)]).sum(dim=(1, 2))
        lam = (mass_a / (mass_a + mass_b)).to(result.lam.device)
        return MixResult(mask=result.mask, lam=lam)
