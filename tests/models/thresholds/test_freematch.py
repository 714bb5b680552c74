"""FreeMatchThreshold: reference test vector and update-before-mask order."""
import pytest
import torch

from mmavssl.models.thresholds import FreeMatchThreshold


def test_first_step_vector():
    thr = FreeMatchThreshold(num_classes=4, ema_p=0.999).train()
    probs = torch.tensor([[0.7, 0.1, 0.1, 0.1], [0.1, 0.7, 0.1, 0.1]])
    mask = thr(probs)
    assert thr.time_p.item() == pytest.approx(0.999 * 0.25 + 0.001 * 0.7)  # 0.25045
    expected_p = 0.999 * 0.25 + 0.001 * torch.tensor([0.4, 0.4, 0.1, 0.1])
    assert torch.allclose(thr.p_model, expected_p)
    assert torch.allclose(thr.label_hist, 0.999 * 0.25 + 0.001 * torch.tensor([0.5, 0.5, 0.0, 0.0]))
    assert torch.allclose(thr.class_thresholds(), thr.time_p * expected_p / expected_p.max())
    assert mask.tolist() == [1.0, 1.0]


def test_quantile_clip_and_eval_freeze():
    thr = FreeMatchThreshold(num_classes=2, ema_p=0.0, use_quantile=True, clip_thresh=True).train()
    probs = torch.tensor([[0.99, 0.01], [0.98, 0.02], [0.97, 0.03], [0.96, 0.04], [0.6, 0.4]])
    thr(probs)
    assert thr.time_p.item() == pytest.approx(0.95)
    thr.eval()
    mask = thr(torch.tensor([[0.2, 0.8]]))
    assert thr.time_p.item() == pytest.approx(0.95)
    # class 1 local factor p_model[1] / max = mean(col 1) / mean(col 0)
    factor = probs[:, 1].mean() / probs[:, 0].mean()
    assert mask.item() == float(0.8 >= 0.95 * factor)
