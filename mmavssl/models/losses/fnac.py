"""FNAC / EZ-VSL self-supervised localisation losses (Sun et al. CVPR 2023; Mo & Morgado ECCV 2022).

All similarity matrices are computed from L2-normalised features and divided by the temperature ``tau``;
softmaxes are row-wise and the L1 terms average over the B x B entries, exactly as FNAC's
``calculate_loss`` (see ``docs/localizer.md``).
"""
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub
from torch import nn

from mmavssl.registry import MODELS


def audio_visual_logits(img: torch.Tensor, aud: torch.Tensor, tau: float) -> torch.Tensor:
    """Cosine similarity of every audio embedding with every visual location.

    Args:
        img: L2-normalised visual features (B, D, h, w).
        aud: L2-normalised audio embeddings (M, D).
        tau: Temperature.

    Returns:
        ``Slogits`` (B, M, h, w): ``Slogits[n, m]`` is the map of image n for audio m.
    """
    return torch.einsum('nchw,mc->nmhw', img, aud) / tau


def max_mil_contrastive_loss(slogits: torch.Tensor) -> torch.Tensor:
    """EZ-VSL max-MIL symmetric contrastive loss.

    Args:
        slogits: All-pairs maps (B, B, h, w) from :func:`audio_visual_logits`.

    Returns:
        Scalar ``CE(L, arange) + CE(L^T, arange)`` with ``L[n, m] = max_hw slogits[n, m]``.
    """
    logits = slogits.flatten(-2).amax(dim=-1)
    labels = torch.arange(logits.shape[0], device=logits.device)
    return F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)


def soft_target_l1(target_logits: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """L1 distance between row-softmaxed similarity matrices (FNAC's FNS / TNS terms).

    Args:
        target_logits: (B, B) similarities that define the soft target.
        logits: (B, B) similarities being regularised.

    Returns:
        Scalar mean over the B x B entries of ``|softmax(target) - softmax(logits)|``.
    """
    return F.l1_loss(torch.softmax(target_logits, dim=1), torch.softmax(logits, dim=1))


@MODELS.register_module()
class FNACLoss(nn.Module):
    """FNAC loss: max-MIL contrastive + 100 x (FNS-1 + FNS-2 + TNS) after a contrastive-only warmup.

    With ``mode='ezvsl'`` only the contrastive term is used (EZ-VSL).

    Args:
        tau: Temperature of every similarity (FNAC: 0.03).
        fns1_weight: Weight of FNS-1, L1(softmax(aud aud^T / tau), softmax(logits)).
        fns2_weight: Weight of FNS-2, L1(softmax(v v^T / tau), softmax(logits)), v = spatial mean of the map.
        tns_weight: Weight of TNS, L1(softmax(aud aud^T / tau), softmax(f f^T / tau)), f = mean of the
            features at locations whose min-max normalised own-pair map exceeds ``high_conf_thresh``.
        high_conf_thresh: Foreground threshold of TNS (FNAC: 0.6).
        warmup: Number of warmup epochs (or iterations) with the contrastive term only.
        warmup_by: ``'epoch'`` or ``'iter'``: which message-hub counter ``warmup`` is compared with.
        mode: ``'fnac'`` or ``'ezvsl'``.
    """

    def __init__(self, tau: float = 0.03, fns1_weight: float = 100.0, fns2_weight: float = 100.0,
                 tns_weight: float = 100.0, high_conf_thresh: float = 0.6, warmup: int = 0,
                 warmup_by: str = 'epoch', mode: str = 'fnac') -> None:
        super().__init__()
        if mode not in ('fnac', 'ezvsl'):
            raise ValueError(f"FNACLoss: mode must be 'fnac' or 'ezvsl', got {mode!r}")
        if warmup_by not in ('epoch', 'iter'):
            raise ValueError(f"FNACLoss: warmup_by must be 'epoch' or 'iter', got {warmup_by!r}")
        if tau <= 0:
            raise ValueError(f'FNACLoss: tau must be > 0, got {tau}')
        self.tau = tau
        self.fns1_weight = fns1_weight
        self.fns2_weight = fns2_weight
        self.tns_weight = tns_weight
        self.high_conf_thresh = high_conf_thresh
        self.warmup = warmup
        self.warmup_by = warmup_by
        self.mode = mode

    def _progress(self) -> int:
        """Current epoch or iteration from the runner's message hub (0 outside a runner)."""
        value = MessageHub.get_current_instance().get_info(self.warmup_by)
        return 0 if value is None else int(value)

    def forward(self, img: torch.Tensor, aud: torch.Tensor,
                progress: Optional[int] = None) -> Dict[str, torch.Tensor]:
        """Compute the loss terms.

        Args:
            img: L2-normalised (per location) visual features (B, D, h, w).
            aud: L2-normalised audio embeddings (B, D); ``aud[i]`` belongs to ``img[i]``.
            progress: Current epoch/iteration (0-based); read from the message hub when None.

        Returns:
            ``{'loss_contrastive'}`` and, in FNAC mode after warmup, the weighted ``loss_fns1``,
            ``loss_fns2`` and ``loss_tns``.
        """
        slogits = audio_visual_logits(img, aud, self.tau)
        losses = {'loss_contrastive': max_mil_contrastive_loss(slogits)}
        if progress is None:
            progress = self._progress()
        if self.mode == 'ezvsl' or progress < self.warmup:
            return losses
        batch = img.shape[0]
        logits = slogits.flatten(-2).amax(dim=-1)
        aud_attn = aud @ aud.t() / self.tau
        img_avg = img.mean(dim=(2, 3))
        img_attn = img_avg @ img_avg.t() / self.tau
        own = slogits[torch.arange(batch), torch.arange(batch)]
        own_min = own.amin(dim=(1, 2), keepdim=True)
        own_max = own.amax(dim=(1, 2), keepdim=True)
        loc_map = (own - own_min) / (own_max - own_min + 1e-5)
        foreground = (img * (loc_map > self.high_conf_thresh).unsqueeze(1)).flatten(-2).mean(dim=-1)
        frg_attn = foreground @ foreground.t() / self.tau
        losses['loss_fns1'] = self.fns1_weight * soft_target_l1(aud_attn, logits)
        losses['loss_fns2'] = self.fns2_weight * soft_target_l1(img_attn, logits)
        losses['loss_tns'] = self.tns_weight * soft_target_l1(aud_attn, frg_attn)
        return losses
