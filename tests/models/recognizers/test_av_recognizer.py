"""AVRecognizer / VideoRecognizer: train_step, test_step, view averaging, AccMetric, audio-only."""
import pytest
import torch
from mmaction.evaluation import AccMetric
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper

from mmavssl.registry import MODELS

CFG_DIR = 'configs/_base_/models'


def _sample(label: int, views: int = 1, audio_valid: bool = True, size: int = 64) -> dict:
    ds = ActionDataSample().set_gt_label(torch.tensor([label]))
    ds.set_metainfo(dict(audio_valid=audio_valid, sample_idx=label))
    return {'inputs': {'imgs': torch.randint(0, 256, (views, 3, 4, size, size), dtype=torch.uint8),
                       'audios': torch.randn(views, 64, 128)},
            'data_samples': ds}


def _model(name: str):
    torch.manual_seed(0)
    return MODELS.build(Config.fromfile(f'{CFG_DIR}/{name}.py').model.to_dict())


@pytest.mark.parametrize('name', ['vit_tiny_divided_audio_fusion', 'vit_tiny_divided_video', 'vit_tiny_joint_video'])
def test_train_and_test_step(name):
    model = _model(name)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    before = [p.detach().clone() for p in model.parameters()]
    log = model.train_step(pseudo_collate([_sample(1), _sample(3, audio_valid=False)]), optim)
    assert set(log) == {'loss', 'loss_cls', 'top1_acc'} and torch.isfinite(log['loss'])
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
    model.eval()
    with torch.no_grad():
        out = model.test_step(pseudo_collate([_sample(0, views=3), _sample(2, views=3, audio_valid=False)]))
    assert out[0].pred_score.shape == (5,)
    assert torch.allclose(out[0].pred_score.sum(), torch.tensor(1.0), atol=1e-5)
    metric = AccMetric(metric_list=('top_k_accuracy', 'mean_class_accuracy'))
    metric.process(None, [o.to_dict() for o in out])
    result = metric.compute_metrics(metric.results)
    assert {'top1', 'top5', 'mean1'} <= set(result)


def test_predict_averages_probabilities_of_views():
    model = _model('vit_tiny_divided_audio_fusion').eval()
    data = model.data_preprocessor(pseudo_collate([_sample(0, views=2)]))
    with torch.no_grad():
        logits = model(data['inputs'], data['data_samples'], mode='tensor')
        preds = model(data['inputs'], data['data_samples'], mode='predict')
    assert logits.shape == (1, 2, 5)
    assert torch.allclose(preds[0].pred_score, logits.softmax(-1).mean(1)[0], atol=1e-6)
    assert preds[0].pred_label.item() == logits.softmax(-1).mean(1).argmax().item()


def test_audio_valid_reaches_fusion_head():
    model = _model('vit_tiny_divided_audio_fusion').eval()
    batch = pseudo_collate([_sample(0, audio_valid=False)])
    data = model.data_preprocessor(batch)
    other = dict(data['inputs'], audios=torch.randn_like(data['inputs']['audios']))
    with torch.no_grad():
        a = model(data['inputs'], data['data_samples'], mode='tensor')
        b = model(other, data['data_samples'], mode='tensor')
    assert torch.allclose(a, b, atol=1e-6)


def test_extract_feat_and_classify_with_mixing():
    model = _model('vit_tiny_divided_audio_fusion').eval()
    imgs, partner = torch.randn(2, 3, 4, 64, 64), torch.randn(2, 3, 4, 64, 64)
    grid = model.video_backbone.token_grid(4, 64, 64)
    mask = torch.ones(2, grid[0], grid[1] * grid[2])
    with torch.no_grad():
        feats = model.extract_feat(imgs, torch.randn(2, 64, 128), token_mask=mask, partner_imgs=partner)
        assert feats['video'].shape == (2, 96) and feats['audio'].shape == (2, 96)
        assert torch.allclose(feats['video'], model.extract_feat(imgs, torch.zeros(2, 64, 128))['video'],
                              atol=1e-5)
        assert model.classify(feats, torch.tensor([True, False])).shape == (2, 5)


def test_audio_only_recognizer():
    cfg = Config.fromfile(f'{CFG_DIR}/vit_tiny_divided_audio_fusion.py').model.to_dict()
    cfg.pop('video_backbone')
    cfg['cls_head'] = dict(type='LinearClsHead', num_classes=5, in_channels=96)
    model = MODELS.build(cfg)
    feats = model.extract_feat(None, torch.randn(2, 64, 128))
    assert feats['video'] is None and model.classify(feats).shape == (2, 5)
    with pytest.raises(ValueError, match='audios'):
        model.extract_feat(torch.randn(2, 3, 4, 64, 64), None)


@pytest.mark.parametrize('head', ['video', 'audio'])
def test_predict_with_an_auxiliary_head(head):
    """test_cfg.head='video'/'audio' scores a clip with that modality's auxiliary head alone."""
    cfg = Config.fromfile(f'{CFG_DIR}/vit_tiny_divided_audio_fusion.py').model.to_dict()
    torch.manual_seed(0)
    model = MODELS.build(dict(cfg, aux_loss_weight=1.0, test_cfg=dict(head=head))).eval()
    data = model.data_preprocessor(pseudo_collate([_sample(0, views=2), _sample(1, views=2)]))
    with torch.no_grad():
        preds = model(data['inputs'], data['data_samples'], mode='predict')
        feats = model.extract_feat(data['inputs']['imgs'].flatten(0, 1), data['inputs']['audios'].flatten(0, 1))
        expected = getattr(model, f'aux_{head}_head')(feats[head]).softmax(-1).reshape(2, 2, -1).mean(1)
    assert torch.allclose(torch.stack([p.pred_score for p in preds]), expected, atol=1e-6)
    with pytest.raises(ValueError, match='auxiliary heads'):
        MODELS.build(dict(cfg, test_cfg=dict(head=head)))
    with pytest.raises(ValueError, match='test_cfg.head'):
        MODELS.build(dict(cfg, aux_loss_weight=1.0, test_cfg=dict(head='both')))
