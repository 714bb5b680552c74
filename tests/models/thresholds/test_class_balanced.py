"""ClassBalancedThreshold: per-class quota of the most confident clips, state in buffers."""
import math

import pytest
import torch

from mmavssl.models.thresholds import ClassBalancedThreshold

PROBS = torch.tensor([[.9, .1], [.8, .2], [.7, .3], [.95, .05], [.6, .4], [.4, .6], [.99, .01], [.85, .15]])


def test_quota_keeps_the_most_confident_clips_of_an_over_predicted_class():
    thr = ClassBalancedThreshold(2, 8, keep_ratio=1.0, p_cutoff=0.5).train()
    first = thr(PROBS, torch.arange(8))
    assert first.tolist() == [1.0] * 8  # nothing recorded yet: every threshold is p_cutoff
    # 7 of 8 clips are class 0; its balanced share is ceil(8 / 2) = 4 clips: .99, .95, .9, .85
    assert thr.class_thresholds().tolist() == pytest.approx([0.85, 0.5])
    second = thr(PROBS, torch.arange(8))
    assert second.tolist() == [1, 0, 0, 1, 0, 1, 1, 1]
    kept0 = second[PROBS.argmax(1) == 0].sum()
    assert kept0 == math.ceil(8 / 2)


def test_keep_ratio_and_floor():
    thr = ClassBalancedThreshold(2, 8, keep_ratio=0.5, p_cutoff=0.5).train()
    thr(PROBS, torch.arange(8))
    # quota ceil(0.5 * 8 / 2) = 2 -> class 0 keeps .99 and .95; class 1 (one clip, .6) stays at the floor
    assert thr.class_thresholds().tolist() == pytest.approx([0.95, 0.5])
    high = ClassBalancedThreshold(2, 8, keep_ratio=1.0, p_cutoff=0.97).train()
    high(PROBS, torch.arange(8))
    assert high.class_thresholds().tolist() == pytest.approx([0.97, 0.97])


def test_quota_counts_only_seen_clips_and_eval_does_not_record():
    thr = ClassBalancedThreshold(2, 100, keep_ratio=1.0)
    thr.eval()(PROBS, torch.arange(8))
    assert (thr.last_pred == -1).all()
    thr.train()(PROBS[:4], torch.arange(4))
    # 4 clips seen, all class 0: quota ceil(4 / 2) = 2 -> .95 and .9 pass
    assert thr.class_thresholds()[0].item() == pytest.approx(0.9)
    assert thr.last_pred[:4].tolist() == [0, 0, 0, 0] and thr.last_conf[:4].tolist() == pytest.approx([.9, .8, .7, .95])


def test_state_round_trips_and_unsized_threshold_loads_its_size():
    thr = ClassBalancedThreshold(2, 8).train()
    thr(PROBS, torch.arange(8))
    unsized = ClassBalancedThreshold(2, None)
    unsized.load_state_dict(thr.state_dict())
    assert unsized.num_unlabeled == 8
    assert torch.equal(unsized.class_thresholds(), thr.class_thresholds())
    with pytest.raises(RuntimeError, match='not been sized'):
        ClassBalancedThreshold(2, None)(PROBS, torch.arange(8))


@pytest.mark.parametrize('kwargs, match', [(dict(keep_ratio=0.0), 'keep_ratio'), (dict(p_cutoff=1.5), 'p_cutoff'),
                                           (dict(num_unlabeled=0), 'num_unlabeled')])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ClassBalancedThreshold(2, **{'num_unlabeled': 8, **kwargs})


def test_bad_indices():
    thr = ClassBalancedThreshold(2, 8).train()
    with pytest.raises(ValueError, match='sample_idx'):
        thr(PROBS, None)
    with pytest.raises(ValueError, match='out of range'):
        thr(PROBS, torch.arange(8) + 1)
