"""FusionHead and LinearClsHead."""
import pytest
import torch

from mmavssl.models.heads import FusionHead, LinearClsHead


def _fusion() -> FusionHead:
    return FusionHead(num_classes=5, video_dims=48, audio_dims=32, embed_dims=24, depth=2, num_heads=4).eval()


def test_linear_head():
    head = LinearClsHead(num_classes=7, in_channels=16)
    z = torch.randn(3, 16)
    assert torch.allclose(head(z), z @ head.fc_cls.weight.T + head.fc_cls.bias)


def test_fusion_shapes_and_audio_dependence():
    head = _fusion()
    zv, za = torch.randn(4, 48), torch.randn(4, 32)
    with torch.no_grad():
        out = head(zv, za)
        assert out.shape == (4, 5)
        assert not torch.allclose(out, head(zv, torch.randn(4, 32)))


def test_missing_audio_is_ignored():
    """A masked audio token does not influence the logits; valid samples are unaffected by the mask."""
    head = _fusion()
    zv, za = torch.randn(4, 48), torch.randn(4, 32)
    valid = torch.tensor([True, False, True, False])
    with torch.no_grad():
        a = head(zv, za, valid)
        b = head(zv, torch.randn(4, 32), valid)
        full = head(zv, za)
    assert torch.allclose(a[~valid], b[~valid], atol=1e-6)
    assert torch.allclose(a[valid], full[valid], atol=1e-6)
    assert torch.isfinite(a).all()


def test_audio_token_dropout_masks_like_missing_audio_in_training_only():
    """In training mode each dropped sample gets exactly the logits of a masked audio token; eval never drops."""
    head = FusionHead(num_classes=5, video_dims=48, audio_dims=32, embed_dims=24, depth=2, num_heads=4,
                      audio_drop_prob=0.5)
    zv, za = torch.randn(64, 48), torch.randn(64, 32)
    torch.manual_seed(3)
    kept = torch.rand(64) >= 0.5
    with torch.no_grad():
        torch.manual_seed(3)
        dropped = head.train()(zv, za)
        head.eval()
        masked = head(zv, za, kept)
        assert torch.allclose(dropped, masked, atol=1e-6)
        assert 0 < int(kept.sum()) < 64
        assert torch.allclose(head(zv, za), head(zv, za, torch.ones(64, dtype=torch.bool)), atol=1e-6)
        # a file without audio stays masked whatever the draw
        head.train()
        torch.manual_seed(3)
        none_valid = head(zv, za, torch.zeros(64, dtype=torch.bool))
        head.eval()
        assert torch.allclose(none_valid, head(zv, za, torch.zeros(64, dtype=torch.bool)), atol=1e-6)


def test_audio_drop_prob_is_checked():
    with pytest.raises(ValueError, match='audio_drop_prob'):
        FusionHead(num_classes=5, video_dims=48, audio_dims=32, embed_dims=24, num_heads=4, audio_drop_prob=1.0)
