"""How well a confidence threshold picks a teacher's right pseudo labels out (numpy in, numbers out).

A threshold helps only where confidence tracks correctness: the pseudo labels it lets in must be right more often
than those it keeps out. On the synthetic benchmark the clips whose sound is class-free are where a 1-shot
teacher can be confidently wrong, so the report splits the clips by such a flag as well.
"""
from typing import Dict, List, NamedTuple, Optional, Sequence

import numpy as np


class ThresholdRow(NamedTuple):
    """One threshold on one group of clips.

    Attributes:
        tau: The confidence threshold (a clip passes when its maximum probability is >= tau).
        pass_rate: Fraction of the group's clips that pass (the mask ratio).
        acc_in: Pseudo-label accuracy of the clips that pass (None if none passes).
        acc_out: Pseudo-label accuracy of the clips kept out (None if all pass).
    """
    tau: float
    pass_rate: float
    acc_in: Optional[float]
    acc_out: Optional[float]


class GroupQuality(NamedTuple):
    """Pseudo-label quality of one group of clips.

    Attributes:
        name: The group's name.
        num_clips: Clips in the group.
        accuracy: Accuracy of the arg-max pseudo labels.
        mean_confidence: Mean maximum probability.
        predicted: (K,) count of clips per predicted class.
        true: (K,) count of clips per true class.
        rows: One :class:`ThresholdRow` per threshold.
    """
    name: str
    num_clips: int
    accuracy: float
    mean_confidence: float
    predicted: List[int]
    true: List[int]
    rows: List[ThresholdRow]


def _mean(values: np.ndarray) -> Optional[float]:
    return float(values.mean()) if values.size else None


def threshold_quality(scores: np.ndarray, labels: np.ndarray, taus: Sequence[float],
                      groups: Optional[Dict[str, np.ndarray]] = None) -> List[GroupQuality]:
    """Pass rate and pseudo-label accuracy inside / outside each threshold, on all clips and on each group.

    Args:
        scores: (N, K) class probabilities of the teacher.
        labels: (N,) true classes.
        taus: Thresholds to evaluate.
        groups: Optional ``{name: (N,) bool}`` subsets reported beside ``'all'``.

    Returns:
        ``'all'`` first, then the groups in the given order.
    """
    scores, labels = np.asarray(scores, dtype=np.float64), np.asarray(labels).astype(int)
    if scores.ndim != 2 or labels.shape != (scores.shape[0],):
        raise ValueError(f'threshold_quality needs (N, K) scores and (N,) labels, got {scores.shape} and '
                         f'{labels.shape}')
    pred, conf = scores.argmax(axis=1), scores.max(axis=1)
    right = pred == labels
    num_classes = scores.shape[1]
    out = []
    for name, member in [('all', np.ones(len(labels), dtype=bool)), *(groups or {}).items()]:
        member = np.asarray(member, dtype=bool)
        rows = []
        for tau in taus:
            passed = member & (conf >= tau)
            rows.append(ThresholdRow(tau=float(tau), pass_rate=float(passed.sum() / max(member.sum(), 1)),
                                     acc_in=_mean(right[passed]), acc_out=_mean(right[member & ~passed])))
        out.append(GroupQuality(name=name, num_clips=int(member.sum()), accuracy=_mean(right[member]) or 0.0,
                                mean_confidence=_mean(conf[member]) or 0.0,
                                predicted=np.bincount(pred[member], minlength=num_classes).tolist(),
                                true=np.bincount(labels[member], minlength=num_classes).tolist(), rows=rows))
    return out
