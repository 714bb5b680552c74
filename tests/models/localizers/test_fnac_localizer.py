"""FNACLocalizer: official checkpoint layout, eval-mode guarantee, map API, training step."""
import copy
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from torch import nn
from torchvision.models import resnet18

from mmavssl.models.localizers import FNACLocalizer
from mmavssl.registry import MODELS

torch.manual_seed(0)
IMAGENET_MEAN = torch.tensor([123.675, 116.28, 103.53]).view(1, 3, 1, 1, 1)
IMAGENET_STD = torch.tensor([58.395, 57.12, 57.375]).view(1, 3, 1, 1, 1)


def _official_modules() -> nn.ModuleDict:
    """FNAC's modules exactly as its model.py builds them (randomised, ImageNet weights not needed)."""
    imgnet = resnet18(weights=None)
    imgnet.avgpool, imgnet.fc = nn.Identity(), nn.Identity()
    audnet = resnet18(weights=None)
    audnet.conv1 = nn.Conv2d(1, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)
    audnet.avgpool, audnet.fc = nn.AdaptiveMaxPool2d((1, 1)), nn.Identity()
    mods = nn.ModuleDict(dict(imgnet=imgnet, img_proj=nn.Conv2d(512, 512, (1, 1)), audnet=audnet,
                              aud_proj=nn.Linear(512, 512)))
    with torch.no_grad():
        for name, tensor in mods.state_dict().items():
            if tensor.is_floating_point():
                tensor.copy_(torch.rand_like(tensor) + 0.5 if 'running_var' in name else torch.randn_like(tensor) * 0.1)
    return mods.eval()


def _small(**kwargs) -> FNACLocalizer:
    cfg = dict(visual_stage=3, input_size=(64, 64), loss=dict(type='FNACLoss'))
    cfg.update(kwargs)
    return FNACLocalizer(**cfg)


def _clips(batch: int = 2, frames: int = 4, size: int = 64):
    imgs = torch.randn(batch, 3, frames, size, size)
    specs = torch.randn(batch, 1, 257, 40)
    return imgs, specs


def test_official_checkpoint_layout(tmp_path):
    ref = _official_modules()
    state = {f'module.{k}': v.clone() for k, v in ref.state_dict().items()}
    path = tmp_path / 'best.pth'
    torch.save({'model': state, 'epoch': 3, 'best_cIoU': 0.3}, path)
    model = FNACLocalizer(input_size=None, checkpoint=str(path), loss=None)
    assert set(model.state_dict()) == {k[len('module.'):] for k in state}

    frames, spec = torch.randn(2, 3, 64, 64), torch.randn(2, 1, 257, 40)
    with torch.no_grad():
        img = ref['imgnet'](frames).unflatten(1, (512, 2, 2))
        img = F.normalize(ref['img_proj'](img), dim=1)
        aud = F.normalize(ref['aud_proj'](ref['audnet'](spec)), dim=1)
        expected = torch.einsum('nchw,nc->nhw', img, aud) / 0.03
    maps = model.localize(frames.unsqueeze(2), spec)
    assert maps.shape == (2, 1, 2, 2)
    torch.testing.assert_close(maps[:, 0], expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize('stage,side,channels', [(1, 16, 64), (2, 8, 128), (3, 4, 256), (4, 2, 512)])
def test_visual_stage_sets_map_stride_and_drops_later_layers(stage: int, side: int, channels: int) -> None:
    model = _small(visual_stage=stage)
    assert model.img_proj.in_channels == channels
    assert [hasattr(model.imgnet, f'layer{i}') for i in range(1, 5)] == [i <= stage for i in range(1, 5)]
    assert model.localize(*_clips(frames=1)).shape == (2, 1, side, side)  # 64 px input, stride 2 ** (stage + 1)


def test_visual_stage_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match='visual_stage must be 1, 2, 3 or 4, got 5'):
        _small(visual_stage=5)


def test_checkpoint_errors_are_clear():
    state = {k: v.clone() for k, v in _official_modules().state_dict().items()}
    bad_shape = dict(state, **{'aud_proj.weight': torch.zeros(256, 512)})
    with pytest.raises(ValueError, match='aud_proj.weight'):
        FNACLocalizer(checkpoint={'model': bad_shape}, loss=None)
    missing = {k: v for k, v in state.items() if k != 'img_proj.bias'}
    with pytest.raises(KeyError, match='img_proj.bias'):
        FNACLocalizer(checkpoint={'model': missing}, loss=None)
    with pytest.raises(KeyError, match='visual_stage=4'):
        FNACLocalizer(visual_stage=3, checkpoint={'model': state}, loss=None)
    with pytest.raises(ValueError, match='not an FNAC'):
        FNACLocalizer(checkpoint={'model': {'a': 1}}, loss=None)


def test_frozen_stays_in_eval_mode():
    model = _small(frozen=True)
    imgs, specs = _clips()
    before = model.localize(imgs, specs)
    parent = nn.ModuleDict({'localizer': model})
    parent.train()
    assert not model.training and not model.img_dropout.training
    assert not any(p.requires_grad for p in model.parameters())
    frames = model._prepare_frames(imgs[:, :, 0])
    torch.testing.assert_close(model.visual_features(frames), model.visual_features(frames))
    torch.testing.assert_close(model.localize(imgs, specs), before)


def test_unfrozen_train_mode_uses_dropout_but_localize_does_not():
    model = _small()
    imgs, specs = _clips()
    model.train()
    frames = model._prepare_frames(imgs[:, :, 0])
    assert not torch.allclose(model.visual_features(frames), model.visual_features(frames))
    first = model.localize(imgs, specs)
    assert model.training
    torch.testing.assert_close(model.localize(imgs, specs), first)


def test_map_shapes_and_frame_groups():
    model = _small(frozen=True)
    imgs, specs = _clips(batch=2, frames=8)
    maps = model.localize(imgs, specs)
    assert maps.shape == (2, 8, 4, 4) and maps.dtype == torch.float32
    assert maps.abs().max() <= 1 / 0.03 + 1e-3
    grouped = model.localize(imgs, specs, frames_per_map=4)
    assert grouped.shape == maps.shape
    torch.testing.assert_close(grouped[:, 0], maps[:, :4].mean(1))
    torch.testing.assert_close(grouped[:, 3], grouped[:, 0])
    torch.testing.assert_close(grouped[:, 4], maps[:, 4:].mean(1))
    assert FNACLocalizer(input_size=(64, 64), loss=None).localize(imgs, specs).shape == (2, 8, 2, 2)
    with pytest.raises(ValueError, match='frames_per_map'):
        model.localize(imgs, specs, frames_per_map=3)
    with pytest.raises(ValueError, match='same'):
        model.localize(imgs, specs[:1])


def test_converts_video_normalisation_and_resizes():
    model = _small(frozen=True)
    video = _small(frozen=True, video_mean=(127.5,) * 3, video_std=(127.5,) * 3)
    video.load_state_dict(model.state_dict())
    raw = torch.rand(1, 3, 2, 64, 64) * 255
    imagenet_in = (raw - IMAGENET_MEAN) / IMAGENET_STD
    video_in = (raw - 127.5) / 127.5
    _, specs = _clips(batch=1)
    torch.testing.assert_close(video.localize(video_in, specs), model.localize(imagenet_in, specs),
                               rtol=1e-4, atol=1e-4)
    big = F.interpolate(imagenet_in[:, :, 0], size=(96, 96), mode='bilinear', align_corners=False)
    assert model.localize(big.unsqueeze(2), specs).shape == (1, 1, 4, 4)


def test_forward_modes_and_train_step():
    model = _small()
    imgs, specs = _clips(batch=3, frames=1)
    inputs = {'imgs': imgs.unsqueeze(1), 'loc_audios': specs.unsqueeze(1)}
    optim = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-4, weight_decay=1e-4))
    before = model.aud_proj.weight.detach().clone()
    log_vars = model.train_step({'inputs': inputs, 'data_samples': None}, optim)
    assert {'loss', 'loss_contrastive', 'loss_tns'} <= set(log_vars)
    assert not torch.equal(before, model.aud_proj.weight)
    samples = model(inputs, mode='predict')
    assert samples[0].pred_loc_map.shape == (4, 4) and samples[0].img_shape == (64, 64)
    assert model(inputs, mode='tensor').shape == (3, 1, 1, 4, 4)
    with pytest.raises(KeyError, match='loc_audios'):
        model({'imgs': inputs['imgs']}, mode='loss')


def test_base_config_builds():
    cfg = Config.fromfile(str(Path(__file__).parents[3] / 'configs/_base_/models/fnac_r18.py'))
    assert cfg.optim_wrapper.optimizer == dict(type='Adam', lr=1e-4, weight_decay=1e-4)
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.pop('data_preprocessor')
    model = MODELS.build(model_cfg)
    assert isinstance(model, FNACLocalizer) and model.img_dropout.p == 0.9 and model.tau == 0.03


@pytest.mark.gpu
def test_localize_bf16_on_gpu():
    model = _small(frozen=True)
    imgs, specs = _clips()
    cpu_maps = model.localize(imgs, specs)
    gpu_maps = model.cuda().localize(imgs.cuda(), specs.cuda())
    assert gpu_maps.dtype == torch.float32
    torch.testing.assert_close(gpu_maps.cpu(), cpu_maps, rtol=0.05, atol=0.5)


class _TinyAVDataset(torch.utils.data.Dataset):
    """Four preprocessed (V=1) one-frame samples with spectrograms."""

    def __len__(self) -> int:
        return 4

    def __getitem__(self, idx: int) -> dict:
        gen = torch.Generator().manual_seed(idx)
        return {'inputs': {'imgs': torch.randn(1, 3, 1, 64, 64, generator=gen),
                           'loc_audios': torch.randn(1, 1, 257, 40, generator=gen)}}


@pytest.mark.slow
def test_runner_trains_with_epoch_warmup(tmp_path):
    from mmengine.runner import Runner
    runner = Runner(
        model=dict(type='FNACLocalizer', visual_stage=3, input_size=(64, 64),
                   loss=dict(type='FNACLoss', warmup=1, warmup_by='epoch')),
        work_dir=str(tmp_path), default_scope='mmavssl',
        train_dataloader=dict(dataset=_TinyAVDataset(), batch_size=2, num_workers=0,
                              sampler=dict(type='DefaultSampler', shuffle=False),
                              collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-4)),
        train_cfg=dict(by_epoch=True, max_epochs=2), default_hooks=dict(checkpoint=None, logger=None),
        experiment_name='fnac_runner_test')
    runner.train()
    tns = runner.message_hub.log_scalars['train/loss_tns']
    contrastive = runner.message_hub.log_scalars['train/loss_contrastive']
    assert len(contrastive.data[0]) == 4 and len(tns.data[0]) == 2
