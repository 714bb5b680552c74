"""FlexMatchThreshold: the reference worked example, update order, errors, state in checkpoints."""
import pytest
import torch

from mmavssl.models.thresholds import FlexMatchThreshold

WARM = [0.19, 0.0863636, 0.0863636, 0.0]
COLD = [0.95, 0.3166667, 0.3166667, 0.0]


def _confident(classes, conf=0.97, num_classes=4):
    probs = torch.full((len(classes), num_classes), (1 - conf) / (num_classes - 1))
    probs[torch.arange(len(classes)), torch.tensor(classes)] = conf
    return probs


@pytest.mark.parametrize('warmup,expected', [(True, WARM), (False, COLD)])
def test_worked_example(warmup, expected):
    thr = FlexMatchThreshold(num_classes=4, num_unlabeled=10, p_cutoff=0.95, thresh_warmup=warmup).train()
    assert thr.class_thresholds().tolist() == [0.0] * 4
    # idx 6, 7 confidently class 0, idx 8 class 1, idx 9 class 2; idx 0-5 never confident.
    probs = torch.cat([_confident([0, 0, 1, 2]), torch.full((6, 4), 0.25)])
    mask = thr(probs, torch.tensor([6, 7, 8, 9, 0, 1, 2, 3, 4, 5]))
    assert mask.tolist() == [1.0] * 10  # start-up: beta = 0 -> threshold 0, everything passes
    assert thr.selected_label.tolist() == [-1] * 6 + [0, 0, 1, 2]
    assert thr.class_thresholds().tolist() == pytest.approx(expected, abs=1e-6)


def test_mask_uses_previous_state_and_eval_does_not_update():
    thr = FlexMatchThreshold(num_classes=4, num_unlabeled=10, p_cutoff=0.95, thresh_warmup=False)
    thr.selected_label.copy_(torch.tensor([-1] * 6 + [0, 0, 1, 2]))
    thr.update(torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=bool))
    probs = torch.tensor([[0.9, 0.1 / 3, 0.1 / 3, 0.1 / 3], [0.1, 0.4, 0.4, 0.1], [0.05, 0.05, 0.05, 0.85]])
    thr.eval()
    assert thr(probs, torch.tensor([0, 1, 2])).tolist() == [0.0, 1.0, 1.0]  # 0.9 < 0.95; 0.4 >= 0.3167
    assert thr.selected_label[:3].tolist() == [-1, -1, -1]
    thr.train()
    probs[2] = torch.tensor([0.01, 0.01, 0.01, 0.97])
    assert thr(probs, torch.tensor([0, 1, 2])).tolist() == [0.0, 1.0, 1.0]
    assert thr.selected_label[2].item() == 3
    assert thr.class_thresholds()[3].item() == pytest.approx(0.95 * 0.5 / 1.5)


def test_all_equal_entries_freeze_beta():
    thr = FlexMatchThreshold(num_classes=2, num_unlabeled=3, p_cutoff=0.5).train()
    thr(_confident([1, 1, 1], 0.9, 2), torch.tensor([0, 1, 2]))
    assert thr.classwise_acc.tolist() == [0.0, 0.0]


def test_missing_or_bad_indices_raise():
    thr = FlexMatchThreshold(num_classes=2, num_unlabeled=3).train()
    with pytest.raises(ValueError, match='sample_idx'):
        thr(torch.rand(2, 2).softmax(1), None)
    with pytest.raises(ValueError, match='num_unlabeled'):
        thr(torch.rand(2, 2).softmax(1), torch.tensor([0, 3]))


def test_state_round_trips_through_state_dict():
    thr = FlexMatchThreshold(num_classes=4, num_unlabeled=10).train()
    thr(_confident([2, 3]), torch.tensor([4, 5]))
    fresh = FlexMatchThreshold(num_classes=4, num_unlabeled=10)
    fresh.load_state_dict(thr.state_dict())
    assert fresh.selected_label.tolist() == thr.selected_label.tolist()
    assert torch.equal(fresh.classwise_acc, thr.classwise_acc)


def test_unsized_threshold_takes_the_size_of_the_state_it_loads():
    """A threshold built with num_unlabeled=None (sized by the training loop) loads a trained state for testing."""
    thr = FlexMatchThreshold(num_classes=4, num_unlabeled=10).train()
    thr(_confident([2, 3]), torch.tensor([4, 5]))
    unsized = FlexMatchThreshold(num_classes=4, num_unlabeled=None)
    unsized.load_state_dict(thr.state_dict())
    assert unsized.num_unlabeled == 10 and unsized.selected_label.tolist() == thr.selected_label.tolist()
    sized = FlexMatchThreshold(num_classes=4, num_unlabeled=7)
    with pytest.raises(RuntimeError, match='size mismatch'):  # a typed size still has to match
        sized.load_state_dict(thr.state_dict())
