"""Paired bootstrap of an accuracy difference and factor labels, against direct computation."""
import numpy as np
import pytest

from mmavssl.evaluation.functional.paired import factor_labels, paired_bootstrap


def test_difference_is_the_mean_of_b_minus_a_and_the_interval_contains_it():
    rng = np.random.default_rng(0)
    a = rng.random(600) < 0.4
    b = rng.random(600) < 0.6
    res = paired_bootstrap(a, b, num_samples=2000)
    assert res.diff == pytest.approx(b.mean() - a.mean())
    assert res.low < res.diff < res.high
    assert (res.num_seeds, res.num_clips, res.level) == (1, 600, 0.95)
    # the width of a clip bootstrap follows the standard error of the paired differences
    se = (b.astype(float) - a).std(ddof=1) / np.sqrt(600)
    assert res.high - res.low == pytest.approx(2 * 1.96 * se, rel=0.1)


def test_identical_runs_give_a_zero_width_interval_and_seeds_widen_it():
    a = np.array([1, 0, 1, 1, 0, 0, 1, 0])
    res = paired_bootstrap(a, a, num_samples=200)
    assert (res.diff, res.low, res.high) == (0.0, 0.0, 0.0)
    rng = np.random.default_rng(1)
    base = rng.random((3, 400)) < 0.5
    # seed 2 gains much more than seeds 0 and 1: resampling seeds must widen the interval
    better = base | (rng.random((3, 400)) < np.array([[0.05], [0.05], [0.6]]))
    two_level = paired_bootstrap(base, better, num_samples=1000)
    clips_only = paired_bootstrap(base.reshape(1, -1), better.reshape(1, -1), num_samples=1000)
    assert two_level.num_seeds == 3
    assert two_level.high - two_level.low > 2 * (clips_only.high - clips_only.low)


def test_shape_errors():
    with pytest.raises(ValueError, match='same shape'):
        paired_bootstrap([1, 0], [1, 0, 1])
    with pytest.raises(ValueError, match='level'):
        paired_bootstrap([1, 0], [1, 1], level=1.0)


def test_factor_labels_invert_the_mixed_radix_encoding():
    shapes, timbres = np.meshgrid(np.arange(3), np.arange(2), indexing='ij')
    labels = (shapes * 2 + timbres).ravel()
    out = factor_labels(labels, (3, 2))
    assert out.tolist() == np.stack([shapes.ravel(), timbres.ravel()], 1).tolist()
    with pytest.raises(ValueError, match=r'\[0, 6\)'):
        factor_labels([6], (3, 2))
