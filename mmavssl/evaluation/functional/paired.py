"""Paired comparison of two classifiers on the same test clips: the accuracy difference and its bootstrap interval.

Two runs that start from the same initialisation and see the same labelled clips differ only by the method, so
their per-clip outcomes are paired. The interval resamples what varies between repetitions of the experiment:
the test clips (always) and the seeds (when there are several), as a two-level bootstrap.
"""
from typing import NamedTuple, Sequence, Tuple, Union

import os

import numpy as np
from mmengine.fileio import load

ArrayLike = Union[np.ndarray, Sequence]


class PairedDifference(NamedTuple):
    """Mean accuracy difference ``b - a`` with a percentile bootstrap interval.

    Attributes:
        diff: Observed mean of ``correct_b - correct_a`` (a fraction; x100 for points).
        low: Lower end of the interval.
        high: Upper end of the interval.
        level: Coverage of the interval (e.g. 0.95).
        num_seeds: Seeds S the difference is averaged over.
        num_clips: Test clips N per seed.
    """

    diff: float
    low: float
    high: float
    level: float
    num_seeds: int
    num_clips: int


def paired_bootstrap(correct_a: ArrayLike, correct_b: ArrayLike, num_samples: int = 10000, level: float = 0.95,
                     seed: int = 0) -> PairedDifference:
    """Difference of accuracies ``mean(correct_b) - mean(correct_a)`` with a paired bootstrap interval.

    Each bootstrap sample draws S seeds and N clips with replacement (the same clips for every seed drawn, since
    all seeds are tested on the same set) and averages ``correct_b - correct_a`` over them.

    Args:
        correct_a: (N,) or (S, N) 0/1 outcomes of the baseline per clip (and seed).
        correct_b: Same shape: outcomes of the compared run on the same clips (same seed order).
        num_samples: Bootstrap samples.
        level: Interval coverage in (0, 1).
        seed: Seed of the resampling.

    Returns:
        The observed difference and its percentile interval.

    Raises:
        ValueError: On shapes that differ or are empty, or a level outside (0, 1).
    """
    a, b = np.atleast_2d(np.asarray(correct_a, float)), np.atleast_2d(np.asarray(correct_b, float))
    if a.shape != b.shape or a.size == 0 or a.ndim != 2:
        raise ValueError(f'paired_bootstrap needs two non-empty (N,) or (S, N) arrays of the same shape, got '
                         f'{np.shape(correct_a)} and {np.shape(correct_b)}; both runs must be tested on the same '
                         'clips in the same order.')
    if not 0 < level < 1:
        raise ValueError(f'level must lie in (0, 1), got {level}')
    d = b - a
    s, n = d.shape
    rng = np.random.default_rng(seed)
    stats = np.empty(num_samples)
    for i in range(num_samples):
        rows = rng.integers(s, size=s)
        cols = rng.integers(n, size=n)
        stats[i] = d[rows][:, cols].mean()
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(stats, [tail, 100 - tail])
    return PairedDifference(float(d.mean()), float(low), float(high), level, s, n)


def factor_labels(labels: ArrayLike, factor_sizes: Sequence[int]) -> np.ndarray:
    """Split class labels into factor indices (mixed radix, the last factor fastest).

    ``label = f_0 * (K_1 * ... ) + ... + f_last``: for the synthetic set, ``(shape, timbre)`` with factor sizes
    ``(num_shapes, num_timbres)`` gives ``label = shape * num_timbres + timbre``.

    Args:
        labels: (N,) class indices in ``[0, prod(factor_sizes))``.
        factor_sizes: Size of each factor.

    Returns:
        (N, F) factor indices.
    """
    labels = np.asarray(labels, dtype=np.int64)
    total = int(np.prod(factor_sizes))
    if labels.size and (labels.min() < 0 or labels.max() >= total):
        raise ValueError(f'labels must lie in [0, {total}) for factor sizes {tuple(factor_sizes)}, got '
                         f'[{labels.min()}, {labels.max()}]')
    out = []
    rest = labels
    for size in reversed(factor_sizes):
        out.append(rest % size)
        rest = rest // size
    return np.stack(out[::-1], axis=-1)


def scores_and_labels(samples: Sequence[dict]) -> Tuple[np.ndarray, np.ndarray]:
    """Class scores and true labels of the samples of a ``tools/test.py --dump`` file.

    Args:
        samples: What mmengine's ``DumpResults`` wrote (``pred_score`` (K,), ``gt_label`` per sample).

    Returns:
        (N, K) float64 scores and (N,) int ground-truth labels, in the samples' order.
    """
    scores = np.stack([np.asarray(s['pred_score'], dtype=np.float64) for s in samples])
    return scores, np.array([int(np.asarray(s['gt_label']).reshape(-1)[0]) for s in samples])


def read_predictions(path: Union[str, os.PathLike]) -> Tuple[np.ndarray, np.ndarray]:
    """Predicted and true labels of a ``tools/test.py --dump`` file, in test-set order.

    Args:
        path: The ``.pkl`` written by mmengine's ``DumpResults``.

    Returns:
        (N,) predicted labels (arg-max of ``pred_score``) and (N,) ground-truth labels.
    """
    scores, gt = scores_and_labels(load(str(path)))
    return scores.argmax(axis=1), gt


def paired_outcomes(baseline: Union[str, os.PathLike], method: Union[str, os.PathLike]
                    ) -> Tuple[np.ndarray, np.ndarray]:
    """Per-clip correctness of two runs' ``tools/test.py --dump`` files, checked to be on the same clips.

    Args:
        baseline: Dump file of the baseline's test.
        method: Dump file of the compared run's test.

    Returns:
        (N,) bool outcomes of the baseline and (N,) of the method, in test-set order.

    Raises:
        ValueError: If the two dumps are not of the same clips.
    """
    (pred_a, gt_a), (pred_b, gt_b) = read_predictions(baseline), read_predictions(method)
    if not np.array_equal(gt_a, gt_b):
        raise ValueError(f'{baseline} and {method} are not predictions on the same test clips.')
    return pred_a == gt_a, pred_b == gt_b
