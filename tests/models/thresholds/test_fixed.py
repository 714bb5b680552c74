"""FixedThreshold: the FixMatch indicator."""
import pytest
import torch

from mmavssl.models.thresholds import FixedThreshold


def test_mask_is_confidence_at_least_tau():
    probs = torch.tensor([[0.3, 0.7], [0.69, 0.31], [0.5, 0.5]])
    assert FixedThreshold(tau=0.69)(probs).tolist() == [1.0, 1.0, 0.0]
    assert FixedThreshold(0.7).class_thresholds().tolist() == pytest.approx([0.7])
    with pytest.raises(ValueError, match='tau'):
        FixedThreshold(1.5)
