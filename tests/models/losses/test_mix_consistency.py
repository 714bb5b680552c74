"""Mixed pseudo label and Eq. 10 loss against hand-computed values."""
import pytest
import torch

from mmavssl.models.losses import MixConsistencyLoss, mixed_pseudo_label


def test_reference_vector_two_one_hots():
    probs_a = torch.tensor([[0.9, 0.1, 0.0]])
    probs_b = torch.tensor([[0.2, 0.7, 0.1]])
    y = mixed_pseudo_label(probs_a, torch.ones(1), probs_b, torch.ones(1), torch.tensor([0.3]))
    assert torch.allclose(y, torch.tensor([[0.3, 0.7, 0.0]]))


def _case():
    probs_a = torch.tensor([[0.9, 0.1], [0.6, 0.4]])
    mask_a = torch.tensor([1.0, 0.0])
    probs_b = torch.tensor([[0.4, 0.6], [0.2, 0.8]])
    mask_b = torch.tensor([0.0, 1.0])
    lam = torch.tensor([0.3, 0.5])
    logits = torch.tensor([[0.0, 0.0], [2.0, 1.0]])
    return logits, probs_a, mask_a, probs_b, mask_b, lam


def test_soft_pseudo_for_unconfident_samples():
    _, probs_a, mask_a, probs_b, mask_b, lam = _case()
    y = mixed_pseudo_label(probs_a, mask_a, probs_b, mask_b, lam)
    # row 0: 0.3 * (1, 0) + 0.7 * (0.4, 0.6); row 1: 0.5 * (0.6, 0.4) + 0.5 * (0, 1)
    assert torch.allclose(y, torch.tensor([[0.58, 0.42], [0.3, 0.7]]))


def test_hard_weight_on_probabilities():
    args = _case()
    p1 = torch.tensor([2.0, 1.0]).softmax(0)  # (0.731059, 0.268941)
    err0 = ((0.5 - 0.58)**2 + (0.5 - 0.42)**2) / 2  # 0.0064
    err1 = ((p1[0] - 0.3)**2 + (p1[1] - 0.7)**2).item() / 2
    assert MixConsistencyLoss(tau_mix=0.3)(*args).item() == pytest.approx((err0 + err1) / 2, rel=1e-5)
    # tau_mix 0.65 drops row 0 (max 0.58) and keeps row 1 (max 0.7)
    assert MixConsistencyLoss(tau_mix=0.65)(*args).item() == pytest.approx(err1 / 2, rel=1e-5)


def test_soft_weight_on_logits():
    args = _case()
    err0 = (0.58**2 + 0.42**2) / 2
    err1 = ((2 - 0.3)**2 + (1 - 0.7)**2) / 2
    # w0 = 0.3 * 1 + 0.7 * 0; w1 = 0.5 * 0 + 0.5 * 1
    expected = (0.3 * err0 + 0.5 * err1) / 2
    loss = MixConsistencyLoss(weighting='soft', target_space='logit')(*args)
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_gradient_reaches_logits_only_and_bad_options():
    logits, probs_a, mask_a, probs_b, mask_b, lam = _case()
    logits.requires_grad_(True)
    probs_a.requires_grad_(True)
    MixConsistencyLoss()(logits, probs_a, mask_a, probs_b, mask_b, lam).backward()
    assert logits.grad.abs().sum() > 0 and probs_a.grad is None
    with pytest.raises(ValueError, match='weighting'):
        MixConsistencyLoss(weighting='x')
    with pytest.raises(ValueError, match='target_space'):
        MixConsistencyLoss(target_space='x')
