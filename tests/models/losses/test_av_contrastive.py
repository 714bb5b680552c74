"""AVContrastiveLoss against hand-computed InfoNCE values."""
import math

import pytest
import torch

from mmavssl.models.losses import AVContrastiveLoss


def test_two_pair_hand_value():
    z_vid = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    z_aud = torch.tensor([[3.0, 0.0], [1.0, 1.0]])  # normalised rows (1, 0), (c, c), c = 1/sqrt(2)
    c = 1 / math.sqrt(2)
    # S = [[1, 0], [c, c]] at temperature 1
    nce1 = (math.log(1 + math.exp(-1)) + math.log(2)) / 2
    nce2 = (math.log(1 + math.exp(c - 1)) + math.log(1 + math.exp(-c))) / 2
    loss = AVContrastiveLoss(temperature=1.0)(z_vid, z_aud)
    assert loss.item() == pytest.approx((nce1 + nce2) / 2, rel=1e-6)
    assert loss.item() == pytest.approx(0.4911570, abs=1e-6)


def test_default_temperature_and_asymmetry():
    z_vid = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    z_aud = torch.tensor([[1.0, 0.2], [0.0, 1.0], [-1.0, 1.0]])
    s = torch.nn.functional.normalize(z_aud, dim=1) @ torch.nn.functional.normalize(z_vid, dim=1).t() / 0.05
    rows = -(s.diag() - s.logsumexp(dim=1)).mean()
    cols = -(s.diag() - s.logsumexp(dim=0)).mean()
    assert not torch.isclose(rows, cols)
    assert AVContrastiveLoss()(z_vid, z_aud).item() == pytest.approx(((rows + cols) / 2).item(), rel=1e-6)


def test_aligned_pairs_give_near_zero_and_shape_check():
    eye = torch.eye(3)
    assert AVContrastiveLoss()(eye, 5 * eye).item() == pytest.approx(2 * math.exp(-20), abs=1e-8)
    with pytest.raises(ValueError, match='equal shape'):
        AVContrastiveLoss()(eye, eye[:2])
