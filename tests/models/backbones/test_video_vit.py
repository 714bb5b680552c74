"""VideoViT: shapes, token mixing, TimeSformer CLS handling, joint layout, checkpointing."""
import pytest
import torch

from mmavssl.models.backbones import VideoViT

TINY = dict(img_size=32, num_frames=4, embed_dims=48, depth=2, num_heads=4, drop_path_rate=0.0)


def _divided() -> VideoViT:
    return VideoViT(**TINY).eval()


def _joint(**kw) -> VideoViT:
    cfg = dict(TINY, tubelet_size=2, attention_type='joint', pos_embed_type='sinusoid', with_cls_token=False,
               output='mean')
    cfg.update(kw)
    return VideoViT(**cfg).eval()


def test_shapes_and_grid():
    model = _divided()
    x = torch.randn(2, 3, 4, 32, 32)
    assert model(x).shape == (2, 48)
    assert model.token_grid(4, 32, 32) == (4, 2, 2)
    assert _joint().token_grid(4, 32, 32) == (2, 2, 2)
    # other sizes: embeddings are resized on the fly
    assert model(torch.randn(1, 3, 2, 48, 48)).shape == (1, 48)
    with pytest.raises(ValueError, match='does not divide'):
        model.token_grid(4, 30, 32)


def test_token_mask_all_ones_and_zeros():
    model = _divided()
    x, p = torch.randn(2, 3, 4, 32, 32), torch.randn(2, 3, 4, 32, 32)
    with torch.no_grad():
        assert torch.allclose(model(x, torch.ones(2, 4, 4), p), model(x), atol=1e-6)
        assert torch.allclose(model(x, torch.zeros(2, 4, 4), p), model(p), atol=1e-6)


@pytest.mark.parametrize('factory', [_divided, _joint])
def test_token_mixing_equals_patch_mixing(factory):
    """Mixing embedded tokens equals embedding a clip whose patches were swapped (patch embed is affine)."""
    model = factory()
    x, p = torch.randn(2, 3, 4, 32, 32), torch.randn(2, 3, 4, 32, 32)
    t, h, w = model.token_grid(4, 32, 32)
    mask = (torch.rand(2, t, h * w) > 0.5).float()
    pix = mask.reshape(2, 1, t, 1, h, 1, w, 1)
    tub, ps = model.tubelet_size, model.patch_size
    xr = x.reshape(2, 3, t, tub, h, ps, w, ps)
    pr = p.reshape(2, 3, t, tub, h, ps, w, ps)
    mixed = (pix * xr + (1 - pix) * pr).reshape(x.shape)
    with torch.no_grad():
        assert torch.allclose(model(x, mask, p), model(mixed), atol=1e-5)


def test_bad_mask_shapes():
    model = _divided()
    x = torch.randn(1, 3, 4, 32, 32)
    with pytest.raises(ValueError, match='partner'):
        model(x, torch.ones(1, 4, 4))
    with pytest.raises(ValueError, match="T'"):
        model(x, torch.ones(1, 2, 4), x)


def test_static_clip_cls_is_frame_cls():
    """With zero temporal_fc and time_embed, a clip of one repeated frame gives the one-frame CLS."""
    model = _divided()
    torch.nn.init.zeros_(model.time_embed)
    frame = torch.randn(1, 3, 1, 32, 32)
    with torch.no_grad():
        assert torch.allclose(model(frame.expand(1, 3, 4, 32, 32)), model(frame), atol=1e-5)


def test_temporal_fc_zero_init():
    model = VideoViT(**TINY)
    for blk in model.blocks:
        assert blk.temporal_fc.weight.abs().sum() == 0 and blk.temporal_fc.bias.abs().sum() == 0


def test_joint_cls_output_and_learnable_pos():
    model = _joint(with_cls_token=True, output='cls', pos_embed_type='learnable')
    assert model(torch.randn(2, 3, 4, 32, 32)).shape == (2, 48)
    assert 'pos_embed' in model.state_dict()
    assert 'pos_embed' not in _joint().state_dict()  # the sinusoid is rebuilt, not stored


def test_with_cp_same_gradients():
    torch.manual_seed(0)
    ref = VideoViT(**TINY)
    cp = VideoViT(**TINY, with_cp=True)
    cp.load_state_dict(ref.state_dict())
    x = torch.randn(1, 3, 4, 32, 32)
    ref(x).sum().backward()
    cp(x).sum().backward()
    for (name, a), b in zip(ref.named_parameters(), cp.parameters()):
        assert torch.allclose(a.grad, b.grad, atol=1e-6), name


def test_invalid_config():
    with pytest.raises(ValueError, match='with_cls_token'):
        VideoViT(**TINY, with_cls_token=False)
    with pytest.raises(ValueError, match='attention_type'):
        VideoViT(**TINY, attention_type='space_only')


def test_conv_stem_grid_and_locality():
    """The convolutional stem keeps the token grid, and a token depends on its own patch and a border only."""
    model = VideoViT(**TINY, patch_size=8, patch_embed='conv_stem').eval()
    x = torch.randn(2, 3, 4, 32, 32)
    tokens = model.patch_embed(x)
    assert tokens.shape == (2, 4, 16, 48)
    assert model(x).shape == (2, 48)
    # widths D/2, D, D for p = 8: three stride-2 convolutions, then the 1x1 projection
    convs = [m for m in model.patch_embed.proj if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [24, 48, 48, 48]
    # a change in the bottom-right patch of frame 0 leaves the top-left token of every frame unchanged and
    # every token of the other frames unchanged (receptive field of 3 stride-2 3x3 convolutions: 15 px < 24 px)
    y = x.clone()
    y[:, :, 0, 24:, 24:] += 1.0
    with torch.no_grad():
        changed = (model.patch_embed(y) - tokens).abs().amax(-1)
    assert changed[:, 0, 15].min() > 0
    assert changed[:, 0, 0].max() == 0 and changed[:, 1:].max() == 0
    with pytest.raises(ValueError, match='power-of-two'):
        VideoViT(**dict(TINY, img_size=36), patch_size=12, patch_embed='conv_stem')
    with pytest.raises(ValueError, match='conv_stem'):
        VideoViT(**TINY, tubelet_size=2, patch_embed='conv_stem')
