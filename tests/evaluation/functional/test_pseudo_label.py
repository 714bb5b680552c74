"""threshold_quality: pass rate and accuracy inside / outside a threshold, by construction."""
import numpy as np
import pytest

from mmavssl.evaluation.functional import threshold_quality


def test_counts_follow_the_threshold_and_the_groups() -> None:
    # clips 0-1 confident and right, 2 confident and wrong, 3 unsure and right; group = clips 2 and 3
    scores = np.array([[0.96, 0.04], [0.02, 0.98], [0.97, 0.03], [0.4, 0.6]])
    labels = np.array([0, 1, 1, 1])
    report = threshold_quality(scores, labels, taus=[0.5, 0.95, 0.99],
                               groups={'g': np.array([False, False, True, True])})
    everything, group = report
    assert everything.name == 'all' and everything.num_clips == 4 and everything.accuracy == 0.75
    assert everything.predicted == [2, 2] and everything.true == [1, 3]
    assert everything.mean_confidence == pytest.approx((0.96 + 0.98 + 0.97 + 0.6) / 4)
    at_95 = everything.rows[1]
    assert (at_95.tau, at_95.pass_rate) == (0.95, 0.75)
    assert at_95.acc_in == pytest.approx(2 / 3) and at_95.acc_out == 1.0
    assert everything.rows[0].acc_out is None  # every clip passes 0.5
    assert everything.rows[2].acc_in is None  # none reaches 0.99
    assert group.num_clips == 2 and group.rows[1].pass_rate == 0.5
    assert (group.rows[1].acc_in, group.rows[1].acc_out) == (0.0, 1.0)


def test_refuses_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match=r'\(N, K\) scores'):
        threshold_quality(np.ones((3, 2)), np.zeros(2), taus=[0.5])
