"""FNACLoss against hand-computed values on 2 samples x 2 locations x 2 dims, tau = 1."""
import math

import pytest
import torch
from mmengine.logging import MessageHub

from mmavssl.models.losses import FNACLoss


def _sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@pytest.fixture
def features():
    # img (B=2, D=2, h=1, w=2): sample 0 locations (1,0),(0,1); sample 1 locations (0,1),(0.6,0.8).
    img = torch.tensor([[[[1.0, 0.0]], [[0.0, 1.0]]], [[[0.0, 0.6]], [[1.0, 0.8]]]])
    aud = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    return img, aud


def test_known_vectors(features):
    img, aud = features
    losses = FNACLoss(tau=1.0, fns1_weight=1.0, fns2_weight=1.0, tns_weight=1.0)(img, aud, progress=0)
    # max-pooled logits [[1, 1], [0.6, 1]]: CE rows and columns each give log 2 + log(1 + e^-0.4).
    assert losses['loss_contrastive'].item() == pytest.approx(math.log(2) + math.log(1 + math.exp(-0.4)))
    # softmax(aud aud^T) rows (s(1), s(-1)); softmax(logits) rows (0.5, 0.5), (s(-0.4), s(0.4)).
    fns1 = (2 * (_sig(1) - 0.5) + 2 * (_sig(1) - _sig(0.4))) / 4
    assert losses['loss_fns1'].item() == pytest.approx(fns1, rel=1e-5)
    # spatial means (0.5, 0.5), (0.3, 0.9) -> img_attn [[0.5, 0.6], [0.6, 0.9]].
    fns2 = (2 * (_sig(0.1) - 0.5) + 2 * (_sig(0.4) - _sig(0.3))) / 4
    assert losses['loss_fns2'].item() == pytest.approx(fns2, rel=1e-5)
    # own maps (1, 0) and (1, 0.8) keep location 0 -> foreground (0.5, 0), (0, 0.5) -> attn diag 0.25.
    assert losses['loss_tns'].item() == pytest.approx(_sig(1) - _sig(0.25), rel=1e-5)


def test_default_weights_scale_terms_by_100(features):
    img, aud = features
    unit = FNACLoss(tau=0.5, fns1_weight=1.0, fns2_weight=1.0, tns_weight=1.0)(img, aud, progress=0)
    default = FNACLoss(tau=0.5)(img, aud, progress=0)
    for key in ('loss_fns1', 'loss_fns2', 'loss_tns'):
        assert default[key].item() == pytest.approx(100 * unit[key].item(), rel=1e-5)


def test_warmup_and_ezvsl(features):
    img, aud = features
    loss = FNACLoss(warmup=2)
    assert set(loss(img, aud, progress=1)) == {'loss_contrastive'}
    assert set(loss(img, aud, progress=2)) == {'loss_contrastive', 'loss_fns1', 'loss_fns2', 'loss_tns'}
    assert set(FNACLoss(mode='ezvsl')(img, aud, progress=10)) == {'loss_contrastive'}


def test_warmup_reads_message_hub(features):
    img, aud = features
    hub = MessageHub.get_instance('test_fnac_warmup')
    loss = FNACLoss(warmup=3, warmup_by='iter')
    hub.update_info('iter', 2)
    assert set(loss(img, aud)) == {'loss_contrastive'}
    hub.update_info('iter', 3)
    assert 'loss_tns' in loss(img, aud)


def test_gradients_flow_and_bad_config(features):
    img, aud = features
    img = img.clone().requires_grad_(True)
    sum(FNACLoss()(img, aud, progress=0).values()).backward()
    assert img.grad is not None and img.grad.abs().sum() > 0
    with pytest.raises(ValueError, match='mode'):
        FNACLoss(mode='other')
    with pytest.raises(ValueError, match='warmup_by'):
        FNACLoss(warmup_by='step')
