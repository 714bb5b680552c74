"""FusionHead and LinearClsHead."""
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
