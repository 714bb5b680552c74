"""SoundSwapAVRecognizer: the method's step plus L_swap, frames of kept clips fused with sounds of rejected ones."""
from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

from mmavssl.registry import MODELS
from .semi_av import PseudoLabels, SemiBatch, SemiSupervisedAVRecognizer


@MODELS.register_module()
class SoundSwapAVRecognizer(SemiSupervisedAVRecognizer):
    """Mean teacher of Kang & Kim 2025 with one more term, ``gamma_swap * L_swap``.

    A one-shot fusion head has only seen sounds that name the class, so on a clip whose sound names nothing
    it follows the sound anyway. When the threshold ranks clips by the teacher's audio head
    (``mask_confidence='audio'`` with a class-balanced quota), the clips it rejects are mostly such clips.
    ``L_swap`` pairs every kept unlabeled clip i with a rejected clip j of the same batch (drawn uniformly)
    and asks the fusion head to name i's pseudo label from i's video embedding and j's audio embedding
    (student, strong views; the backbones are not run again):
    ``L_swap = (1 / B_u) * sum_{i kept} CE(FUSION(z_vid_i, z_aud_j), y_i)``, over clips with valid audio.
    A batch without both a kept and a rejected clip contributes 0.

    The term teaches the fusion head to follow the video where the sound disagrees with it, which is right only
    where the model can read the class from the video. Where it cannot, the pairs teach that the sound the
    rejected clips make (the one the teacher hears in noise) names no class, and that class's own clips are left
    to a video head that confuses them with another class. ``swap_guard='video'`` keeps, of the kept clips, only
    those whose pseudo label the teacher's video head (the unimodal auxiliary head, on the weak view) names too;
    the sum is still divided by B_u, so the term shrinks with the video head's agreement.

    Args:
        gamma_swap: Weight of ``L_swap`` (0 = the parent's step).
        swap_guard: None (every kept clip) or ``'video'`` (kept clips whose teacher video head agrees with the
            pseudo label; needs the recognizer's auxiliary heads, ``aux_loss_weight`` > 0).
        **kwargs: Arguments of :class:`SemiSupervisedAVRecognizer`.
    """

    def __init__(self, gamma_swap: float = 1.0, swap_guard: Optional[str] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if gamma_swap < 0:
            raise ValueError(f'gamma_swap must be >= 0, got {gamma_swap}')
        if not self.with_audio:
            raise ValueError('SoundSwapAVRecognizer swaps audio embeddings and needs a student with audio')
        if swap_guard not in (None, 'video'):
            raise ValueError(f"swap_guard must be None or 'video', got {swap_guard!r}")
        if swap_guard == 'video' and not hasattr(self.teacher, 'aux_video_head'):
            raise ValueError("swap_guard='video' reads the teacher's auxiliary video head: set "
                             'recognizer.aux_loss_weight > 0, or swap_guard=None')
        self.gamma_swap = float(gamma_swap)
        self.swap_guard = swap_guard

    def loss_unsup(self, feats_u: Dict[str, Optional[Tensor]], batch: SemiBatch,
                   pseudo: PseudoLabels) -> Dict[str, Tensor]:
        """``L_u`` of the parent, ``loss_swap`` and ``swap_ratio`` (the share of the B_u clips it paired).

        Args:
            feats_u: The student's embeddings of the B_u strong views (``video`` (B_u, Dv), ``audio`` (B_u, Da)).
            batch: The split batch.
            pseudo: The teacher's pseudo labels.

        Returns:
            ``{'loss_unsup': scalar, 'loss_swap': scalar, 'swap_ratio': scalar}``.
        """
        losses = super().loss_unsup(feats_u, batch, pseudo)
        kept, rejected = self.swap_clips(batch, pseudo)
        losses['loss_swap'] = self.gamma_swap * self._pair_loss(feats_u, kept, rejected, pseudo.labels)
        paired = kept.numel() if rejected.numel() else 0
        losses['swap_ratio'] = torch.tensor(paired / max(pseudo.labels.numel(), 1), device=pseudo.labels.device)
        return losses

    def swap_clips(self, batch: SemiBatch, pseudo: PseudoLabels) -> Tuple[Tensor, Tensor]:
        """Indices of the clips ``L_swap`` names (kept, past the guard) and of those whose sound it lends.

        Args:
            batch: The split batch (``valid_u`` (B_u,) bool: clips with audio).
            pseudo: The teacher's pseudo labels (``mask`` (B_u,), ``labels`` (B_u,); ``feats['video']`` (B_u, Dv)
                with ``swap_guard='video'``).

        Returns:
            ``(kept, rejected)``, 1-D long tensors of indices into the B_u clips.
        """
        valid = batch.valid_u.to(pseudo.mask.device)
        keep = (pseudo.mask > 0) & valid
        if self.swap_guard == 'video':
            with torch.no_grad():
                keep &= self.teacher.aux_video_head(pseudo.feats['video']).argmax(dim=1) == pseudo.labels
        return torch.nonzero(keep).flatten(), torch.nonzero((pseudo.mask == 0) & valid).flatten()

    def swap_loss(self, feats_u: Dict[str, Optional[Tensor]], batch: SemiBatch, pseudo: PseudoLabels) -> Tensor:
        """Unweighted ``L_swap`` (see the class docstring).

        Args:
            feats_u: The student's embeddings of the B_u strong views.
            batch: The split batch.
            pseudo: The teacher's pseudo labels.

        Returns:
            Scalar, attached to the student's graph (0 with a graph when no pair exists).
        """
        return self._pair_loss(feats_u, *self.swap_clips(batch, pseudo), pseudo.labels)

    def _pair_loss(self, feats_u: Dict[str, Optional[Tensor]], kept: Tensor, rejected: Tensor,
                   labels: Tensor) -> Tensor:
        """``L_swap`` over the given kept clips (labels (B_u,)), each with a rejected clip's sound drawn uniformly."""
        z_vid, z_aud = feats_u['video'], feats_u['audio']
        if kept.numel() == 0 or rejected.numel() == 0:
            return z_vid.sum() * 0.0
        partner = rejected[torch.randint(rejected.numel(), (kept.numel(), ), device=z_vid.device)]
        logits = self.student.classify({'video': z_vid[kept], 'audio': z_aud[partner]})
        return F.cross_entropy(logits, labels[kept], reduction='sum') / z_vid.shape[0]
