"""Eq. 10: consistency of the student on mixed clips with the teacher's mixed pseudo label."""
import torch.nn.functional as F
from torch import Tensor, nn

from mmavssl.registry import MODELS


def mixed_pseudo_label(probs_a: Tensor, mask_a: Tensor, probs_b: Tensor, mask_b: Tensor, lam: Tensor) -> Tensor:
    """SVFormer's mixed pseudo label ``y_mix = lam * pseudo_a + (1 - lam) * pseudo_b``.

    ``pseudo`` is the one-hot of the arg-max where the sample passed the confidence threshold, else the soft
    teacher probabilities.

    Args:
        probs_a: (B, K) teacher probabilities of clips A.
        mask_a: (B,) float 0/1 confidence mask of clips A.
        probs_b: (B, K) teacher probabilities of partners B.
        mask_b: (B,) confidence mask of partners B.
        lam: (B,) share of clip A in the mix.

    Returns:
        (B, K) mixed target; rows sum to 1.
    """

    def pseudo(probs: Tensor, mask: Tensor) -> Tensor:
        hard = F.one_hot(probs.argmax(dim=1), probs.shape[1]).to(probs.dtype)
        m = mask.to(probs.dtype).unsqueeze(1)
        return m * hard + (1 - m) * probs

    w = lam.to(probs_a.dtype).unsqueeze(1)
    return w * pseudo(probs_a, mask_a) + (1 - w) * pseudo(probs_b, mask_b)


@MODELS.register_module()
class MixConsistencyLoss(nn.Module):
    """``L_mix = 1/B_u sum_i w_i * mean_c (yhat_mix,ic - y_mix,ic)^2`` (Eq. 10).

    Args:
        tau_mix: Threshold of the paper's indicator ``1(max(y_mix) >= tau_mix)`` (``weighting='hard'``).
        weighting: ``'hard'`` (paper Eq. 10) or ``'soft'`` (SVFormer code: ``w = lam * mask_a +
            (1 - lam) * mask_b``, tau_mix unused).
        target_space: ``'prob'`` compares softmax(student logits) with y_mix (USB's MSE consistency; bounded,
            same space as the target) or ``'logit'`` compares raw logits with y_mix (SVFormer code).
    """

    def __init__(self, tau_mix: float = 0.3, weighting: str = 'hard', target_space: str = 'prob') -> None:
        super().__init__()
        if weighting not in ('hard', 'soft'):
            raise ValueError(f"MixConsistencyLoss weighting must be 'hard' or 'soft', got '{weighting}'.")
        if target_space not in ('prob', 'logit'):
            raise ValueError(f"MixConsistencyLoss target_space must be 'prob' or 'logit', got '{target_space}'.")
        self.tau_mix = tau_mix
        self.weighting = weighting
        self.target_space = target_space

    def forward(self, mix_logits: Tensor, probs_a: Tensor, mask_a: Tensor, probs_b: Tensor, mask_b: Tensor,
                lam: Tensor) -> Tensor:
        """Compute L_mix.

        Args:
            mix_logits: (B, K) student logits on the mixed clips.
            probs_a: (B, K) teacher probabilities of clips A (no grad).
            mask_a: (B,) confidence mask of clips A.
            probs_b: (B, K) teacher probabilities of partners B.
            mask_b: (B,) confidence mask of partners B.
            lam: (B,) share of clip A (the kept token fraction).

        Returns:
            Scalar loss, averaged over all B mixed samples.
        """
        y_mix = mixed_pseudo_label(probs_a, mask_a, probs_b, mask_b, lam).detach()
        if self.weighting == 'hard':
            weight = (y_mix.max(dim=1).values >= self.tau_mix).to(y_mix.dtype)
        else:
            weight = lam.to(y_mix.dtype) * mask_a + (1 - lam.to(y_mix.dtype)) * mask_b
        pred = mix_logits.softmax(dim=1) if self.target_space == 'prob' else mix_logits
        err = (pred - y_mix).pow(2).mean(dim=1)
        return (err * weight.detach()).mean()
