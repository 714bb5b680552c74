"""AVRecognizer's unimodal auxiliary heads (``aux_loss_weight``) and ``per_sample_cls_loss``."""
import pytest
import torch
import torch.nn.functional as F
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from mmavssl.registry import MODELS

CFG = 'configs/_base_/models/vit_tiny_divided_audio_fusion.py'


def _model(aux_loss_weight: float, **changes) -> torch.nn.Module:
    cfg = Config.fromfile(CFG).model.to_dict()
    cfg.update(aux_loss_weight=aux_loss_weight, **changes)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def _feats(model, batch: int = 4) -> dict:
    torch.manual_seed(1)
    return model.extract_feat(torch.randn(batch, 3, 4, 64, 64), torch.randn(batch, 64, 128))


def test_aux_heads_only_with_both_modalities_and_positive_weight():
    assert not hasattr(_model(0.0), 'aux_video_head') and not _model(0.0).with_aux
    model = _model(0.5)
    assert model.with_aux and model.aux_video_head.fc_cls.weight.shape == (5, 96)
    assert model.aux_audio_head.fc_cls.weight.shape == (5, 96)
    video_only = dict(audio_backbone=None, cls_head=dict(type='LinearClsHead', num_classes=5, in_channels=96))
    assert not hasattr(_model(0.0, **video_only), 'aux_audio_head')
    with pytest.raises(ValueError, match='both video_backbone and audio_backbone'):
        _model(1.0, **video_only)
    with pytest.raises(ValueError, match='>= 0'):
        _model(-0.1)


def test_per_sample_cls_loss_matches_hand_computation():
    model = _model(0.7).eval()
    feats = _feats(model)
    valid = torch.tensor([True, False, True, False])
    targets = torch.tensor([0, 1, 4, 2])
    with torch.no_grad():
        loss = model.per_sample_cls_loss(feats, valid, targets)
        fused = F.cross_entropy(model.cls_head(feats['video'], feats['audio'], valid), targets, reduction='none')
        video = F.cross_entropy(feats['video'] @ model.aux_video_head.fc_cls.weight.T
                                + model.aux_video_head.fc_cls.bias, targets, reduction='none')
        audio = F.cross_entropy(feats['audio'] @ model.aux_audio_head.fc_cls.weight.T
                                + model.aux_audio_head.fc_cls.bias, targets, reduction='none')
    assert loss.shape == (4,)
    expected = fused + 0.7 * (video + audio * valid.float())
    assert torch.allclose(loss, expected, atol=1e-5)
    # the audio term is really there for valid samples and really masked for the others
    assert torch.all(audio > 0) and not torch.allclose(loss, fused + 0.7 * video, atol=1e-5)
    # classify() stays the fused logits only
    assert torch.allclose(model.classify(feats, valid), model.cls_head(feats['video'], feats['audio'], valid))


def test_weight_zero_is_plain_cross_entropy():
    model = _model(0.0).eval()
    feats = _feats(model)
    targets = torch.tensor([3, 0, 1, 1])
    with torch.no_grad():
        loss = model.per_sample_cls_loss(feats, None, targets)
        plain = F.cross_entropy(model.classify(feats), targets, reduction='none')
    assert torch.allclose(loss, plain, atol=1e-6)


def test_loss_mode_is_mean_of_per_sample_losses_and_reaches_both_backbones():
    model = _model(1.0)
    samples = []
    for label, valid in ((0, True), (2, False)):
        ds = ActionDataSample().set_gt_label(torch.tensor([label]))
        ds.set_metainfo(dict(audio_valid=valid))
        samples.append(ds)
    torch.manual_seed(2)
    inputs = {'imgs': torch.randn(2, 1, 3, 4, 64, 64), 'audios': torch.randn(2, 1, 64, 128)}
    out = model(inputs, samples, mode='loss')
    with torch.no_grad():
        feats = model.extract_feat(inputs['imgs'][:, 0], inputs['audios'][:, 0])
        expected = model.per_sample_cls_loss(feats, torch.tensor([True, False]), torch.tensor([0, 2])).mean()
    assert torch.allclose(out['loss_cls'], expected, atol=1e-5)
    out['loss_cls'].backward()
    for module in (model.video_backbone, model.audio_backbone, model.aux_video_head, model.aux_audio_head):
        grads = [p.grad for p in module.parameters() if p.requires_grad]
        assert any(g is not None and g.abs().sum() > 0 for g in grads)



def _previous_loss(model, inputs: dict, samples: list) -> dict:
    """AVRecognizer.loss as it was: the head once more under no_grad for the logged accuracy."""
    feats, valid = model._feats(inputs, samples)
    labels = torch.cat([ds.gt_label.reshape(-1)[:1] for ds in samples]).repeat_interleave(model._num_views(inputs))
    with torch.no_grad():
        top1 = (model.classify(feats, valid).argmax(dim=1) == labels).float().mean()
    return {'loss_cls': model.per_sample_cls_loss(feats, valid, labels).mean(), 'top1_acc': top1}


@pytest.mark.parametrize('aux_loss_weight', [0.0, 0.7])
def test_loss_runs_the_head_once_with_the_previous_values(aux_loss_weight):
    model = _model(aux_loss_weight).train()
    samples = []
    for label, valid in ((0, True), (2, False), (4, True)):
        ds = ActionDataSample().set_gt_label(torch.tensor([label]))
        ds.set_metainfo(dict(audio_valid=valid))
        samples.append(ds)
    torch.manual_seed(3)
    inputs = {'imgs': torch.randn(3, 1, 3, 4, 64, 64), 'audios': torch.randn(3, 1, 64, 128)}
    calls = []
    model.cls_head.register_forward_hook(lambda *_: calls.append(1))
    torch.manual_seed(4)
    out = model(inputs, samples, mode='loss')
    assert len(calls) == 1  # one fusion-head pass for the loss and the logged accuracy
    torch.manual_seed(4)
    expected = _previous_loss(model, inputs, samples)
    assert out.keys() == expected.keys() == {'loss_cls', 'top1_acc'}
    for key in out:
        assert torch.equal(out[key], expected[key]), key
    assert out['loss_cls'].requires_grad and not out['top1_acc'].requires_grad
