"""Class-balanced selection of pseudo labels (the per-class quota of class-balanced self-training)."""
import math
from typing import Optional

import torch
from torch import Tensor

from mmavssl.registry import MODELS
from .base import BaseThreshold, PerClipState
from .dist_utils import all_gather_rows


@MODELS.register_module()
class ClassBalancedThreshold(PerClipState, BaseThreshold):
    """Each class keeps at most its balanced share of the unlabeled clips, the most confident ones.

    A teacher that calls many clips one class (a one-shot start calls every clip with an unseen sound
    the same class) gives that class far more pseudo labels than the class can have; a confidence
    threshold cannot remove them when the teacher is equally confident everywhere. Here, as in
    class-balanced self-training (Zou et al., ECCV 2018), each class's threshold is set from the teacher's
    own confidences so that a class passes at most ``keep_ratio * n_seen / K`` clips, where ``n_seen`` is
    the number of unlabeled clips the teacher has seen: ``tau_c`` is the confidence of the ``q``-th most
    confident clip last predicted as c (``q = ceil(keep_ratio * n_seen / K)``), or ``p_cutoff`` when fewer
    clips were predicted as c; never below ``p_cutoff``. The quota assumes classes of equal size in the
    unlabeled pool, as the balanced k-shot splits are.

    ``last_pred[i]`` / ``last_conf[i]`` hold the teacher's latest class and confidence for unlabeled clip
    ``i`` (dataset index; -1 / 0 until seen), registered buffers all-gathered across ranks, so checkpoints
    save and resume them and every rank holds the same thresholds. Order per training step as FlexMatch
    (USB): the mask uses the thresholds of the previous step, then the batch is recorded.

    Args:
        num_classes: Number of classes K.
        num_unlabeled: Size N of the unlabeled dataset; None: sized from the data before training
            (``SemiIterBasedTrainLoop``).
        keep_ratio: Fraction in (0, 1] of a class's balanced share it may keep.
        p_cutoff: Floor of every class threshold.
    """

    PER_CLIP_BUFFERS = {'last_pred': (-1, torch.long), 'last_conf': (0.0, torch.float32)}

    def __init__(self, num_classes: int, num_unlabeled: Optional[int] = None, keep_ratio: float = 1.0,
                 p_cutoff: float = 0.0) -> None:
        super().__init__()
        self.init_per_clip_state(num_classes, num_unlabeled)
        if not 0.0 < keep_ratio <= 1.0:
            raise ValueError(f'ClassBalancedThreshold keep_ratio must lie in (0, 1], got {keep_ratio}.')
        if not 0.0 <= p_cutoff <= 1.0:
            raise ValueError(f'ClassBalancedThreshold p_cutoff must lie in [0, 1], got {p_cutoff}.')
        self.keep_ratio = keep_ratio
        self.p_cutoff = p_cutoff

    def class_thresholds(self) -> Tensor:
        """(K,) thresholds from the recorded state (``p_cutoff`` for classes within their quota)."""
        thr = torch.full((self.num_classes, ), self.p_cutoff, device=self.last_conf.device)
        seen = self.last_pred >= 0
        quota = math.ceil(self.keep_ratio * int(seen.sum()) / self.num_classes)
        for c in range(self.num_classes):
            conf = self.last_conf[self.last_pred == c]
            if quota > 0 and conf.numel() > quota:
                thr[c] = torch.maximum(conf.topk(quota).values[-1], thr[c])
        return thr

    @torch.no_grad()
    def record(self, idx: Optional[Tensor], pred: Tensor, conf: Tensor) -> None:
        """Write the predictions of all ranks into the per-clip state (collective: call on every rank).

        Args:
            idx: (B,) unlabeled-dataset indices.
            pred: (B,) predicted classes.
            conf: (B,) their probabilities.

        Raises:
            ValueError: If ``idx`` is missing or out of range.
        """
        self.check_indices(idx)
        # one all-gather: float64 holds the indices and classes exactly beside the float32 confidences
        rows = torch.stack([idx.double(), pred.double(), conf.double()], dim=1).to(self.last_conf.device)
        rows = all_gather_rows(rows)
        clips = rows[:, 0].long()
        self.last_pred[clips] = rows[:, 1].long()
        self.last_conf[clips] = rows[:, 2].float()
