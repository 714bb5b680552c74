"""FNACLocalizer map passes: the fast default gives the reference pass's maps (max abs difference <= 1e-4 on maps
of range +-1/tau, i.e. 3e-6 in cosine) and the same ASL masks for a fixed seed; its cached trunk follows the
weights."""
import copy
import pickle

import pytest
import torch
import torch.nn.functional as F

from mmavssl.models.localizers import FNACLocalizer
from mmavssl.models.localizers.fnac import REFERENCE_MAP_PASS, map_pass_settings
from mmavssl.models.mixers import ASLGuidedMixup

MAP_ATOL = 1e-4  # on maps = cosine / tau (tau 0.03: |maps| <= 33.3)


def _localizer(visual_stage: int = 1, size: int = 64, **kwargs) -> FNACLocalizer:
    """A frozen localizer with random weights and random BN statistics (so that folding BN changes the weights)."""
    torch.manual_seed(visual_stage)
    model = FNACLocalizer(visual_stage=visual_stage, input_size=(size, size), frozen=True, **kwargs)
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith('running_var'):
                tensor.copy_(torch.rand_like(tensor) + 0.5)
            elif name.endswith(('running_mean', 'bn1.bias', 'bn2.bias')):
                tensor.copy_(torch.randn_like(tensor) * 0.1)
    return model


def _inputs(batch: int = 3, frames: int = 4, size: int = 64, spec=(65, 37)):
    gen = torch.Generator().manual_seed(0)
    return (torch.randn(batch, 3, frames, size, size, generator=gen),
            -2 * torch.rand(batch, 1, *spec, generator=gen))


def modules_localize(model: FNACLocalizer, imgs: torch.Tensor, loc_audios: torch.Tensor) -> torch.Tensor:
    """The maps straight from the modules the localizer trains (``visual_features``, ``audio_features``): the
    definition the reference pass must keep."""
    b, c, t, h, w = imgs.shape
    with torch.no_grad():
        img = model.visual_features(model._prepare_frames(imgs.transpose(1, 2).reshape(b * t, c, h, w)))
        aud = model.audio_features(loc_audios)
        return torch.einsum('btchw,bc->bthw', img.view(b, t, *img.shape[1:]), aud) / model.tau


def _with_pass(model: FNACLocalizer, settings: dict) -> torch.nn.Module:
    model.map_pass = map_pass_settings(settings)
    return model


def test_reference_pass_is_the_trained_modules() -> None:
    model = _with_pass(_localizer(), REFERENCE_MAP_PASS)
    imgs, specs = _inputs()
    torch.testing.assert_close(model.localize(imgs, specs), modules_localize(model, imgs, specs), rtol=0, atol=1e-6)


@pytest.mark.parametrize('stage,size,spec', [(1, 64, (65, 37)), (4, 96, (257, 40))])
def test_default_pass_gives_the_reference_maps(stage: int, size: int, spec: tuple) -> None:
    model = _localizer(stage, size)
    imgs, specs = _inputs(size=size, spec=spec)
    fast = model.localize(imgs, specs)
    reference = _with_pass(model, REFERENCE_MAP_PASS).localize(imgs, specs)
    assert fast.dtype == torch.float32 and fast.shape == reference.shape
    assert reference.abs().max() > 1.0  # not a degenerate map
    torch.testing.assert_close(fast, reference, rtol=0, atol=MAP_ATOL)
    grouped = _with_pass(model, {}).localize(imgs, specs, frames_per_map=2)
    torch.testing.assert_close(grouped[:, 1], reference[:, :2].mean(1), rtol=0, atol=MAP_ATOL)


@pytest.mark.parametrize('resize_mode', ['area', 'bilinear'])
def test_default_pass_draws_the_reference_masks(resize_mode: str) -> None:
    model = _localizer()
    imgs, specs = _inputs(batch=5, frames=8)
    mixer = ASLGuidedMixup(resize_mode=resize_mode)
    fast = model.localize(imgs, specs)
    reference = _with_pass(model, REFERENCE_MAP_PASS).localize(imgs, specs)
    for seed in range(10):
        torch.manual_seed(seed)
        expected = mixer((8, 4, 4), 5, maps=reference)
        torch.manual_seed(seed)
        got = mixer((8, 4, 4), 5, maps=fast)
        torch.testing.assert_close(got.mask, expected.mask, rtol=0, atol=0)
        torch.testing.assert_close(got.lam, expected.lam, rtol=0, atol=0)


def test_cached_trunk_follows_the_weights() -> None:
    model = _localizer()
    other = _localizer(visual_stage=1)
    with torch.no_grad():
        for p in other.parameters():
            p.mul_(1.5)
    imgs, specs = _inputs()
    model.localize(imgs, specs)
    trunk = model._map_trunk()
    assert model._map_trunk() is trunk  # unchanged weights: reused
    model.load_state_dict(other.state_dict())
    torch.testing.assert_close(model.localize(imgs, specs), _with_pass(other, REFERENCE_MAP_PASS).localize(imgs, specs),
                               rtol=0, atol=MAP_ATOL)
    with torch.no_grad():
        model.img_proj.bias.add_(1.0)  # an in-place edit, as an optimizer step makes
    expected = modules_localize(model, imgs, specs)
    torch.testing.assert_close(model.localize(imgs, specs), expected, rtol=0, atol=MAP_ATOL)
    # the cached copies are no submodules: the state dict keeps the official key set
    assert set(model.state_dict()) == set(other.state_dict())


def test_copies_and_pickles_drop_the_cache() -> None:
    model = _localizer(map_pass=dict(compile=dict(backend='eager')))
    imgs, specs = _inputs()
    maps = model.localize(imgs, specs)
    assert model._map_trunks
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert not clone._map_trunks
        torch.testing.assert_close(clone.localize(imgs, specs), maps, rtol=0, atol=0)


def test_maps_are_ordinary_float32_tensors() -> None:
    maps = _localizer().localize(*_inputs())
    assert not maps.is_inference() and not maps.requires_grad
    maps.add_(1.0)


def test_compiled_trunk_gives_the_same_maps() -> None:
    # the eager backend runs the compile path (graph capture) without the minutes of inductor's code generation
    model = _localizer(map_pass=dict(compile=dict(backend='eager')))
    imgs, specs = _inputs()
    torch.testing.assert_close(model.localize(imgs, specs), _with_pass(_localizer(), {}).localize(imgs, specs),
                               rtol=0, atol=1e-6)


def test_cpu_bf16_is_close_and_float32() -> None:
    model = _localizer(map_pass=dict(cpu_bf16=True))
    imgs, specs = _inputs()
    maps = model.localize(imgs, specs)
    reference = _with_pass(_localizer(), REFERENCE_MAP_PASS).localize(imgs, specs)
    assert maps.dtype == torch.float32
    # bf16 keeps 8 bits of mantissa: about 1e-2 of the map range
    assert (maps - reference).abs().max() < 0.02 / 0.03


def test_unknown_map_pass_key_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown map_pass keys \\['fold'\\]"):
        FNACLocalizer(map_pass=dict(fold=True))


def test_training_forward_keeps_the_bn_layers() -> None:
    model = FNACLocalizer(visual_stage=1, input_size=(64, 64), loss=dict(type='FNACLoss'))
    imgs, specs = _inputs(frames=1)
    model.localize(imgs, specs)
    model.train()
    frames = model._prepare_frames(imgs[:, :, 0])
    assert model.imgnet.bn1.training
    feats = model.visual_features(frames)
    assert feats.requires_grad and F.normalize(feats, dim=1).shape == (3, 512, 16, 16)
