"""Checkpoint conversion: identical outputs where the source architecture is equivalent."""
import subprocess
import sys
from pathlib import Path

import pytest
import timm
import torch
from timm.models.deit import VisionTransformerDistilled

from mmavssl.models.backbones import AudioEncoder, VideoViT
from mmavssl.models.utils.convert import (convert_ast, convert_audiomae, convert_mmaction_vit, convert_timm_vit,
                                          convert_videomae, load_state_dict_file)

ROOT = Path(__file__).resolve().parents[2]
SMALL = dict(embed_dim=48, depth=2, num_heads=4)


def _load_strict(model: torch.nn.Module, state_dict: dict) -> None:
    missing, unexpected = model.load_state_dict(state_dict, strict=False)
    assert not missing and not unexpected, (missing, unexpected)


def _mmaction_vit_class():
    """mmaction2's VisionTransformer; importing ``mmaction.models`` needs mmavssl's drn shim first."""
    import mmavssl  # noqa: F401
    from mmaction.models.backbones.vit_mae import VisionTransformer
    return VisionTransformer


def test_timm_vit_inflated_equals_image_model():
    torch.manual_seed(0)
    vit = timm.create_model('vit_base_patch16_224', pretrained=False, img_size=32, num_classes=0, **SMALL).eval()
    model = VideoViT(img_size=32, num_frames=3, embed_dims=48, depth=2, num_heads=4).eval()
    _load_strict(model, convert_timm_vit(vit.state_dict(), num_frames=3, img_size=32))
    frame = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        ref = vit(frame)
        assert torch.allclose(model(frame.unsqueeze(2)), ref, atol=1e-5)  # T = 1
        assert torch.allclose(model(frame.unsqueeze(2).expand(2, 3, 3, 32, 32)), ref, atol=1e-5)  # static clip
    sd = convert_timm_vit(vit.state_dict(), num_frames=3, img_size=32)
    assert torch.equal(sd['blocks.1.temporal_attn.qkv.weight'], vit.state_dict()['blocks.1.attn.qkv.weight'])


def test_timm_vit_pos_embed_interpolated():
    vit = timm.create_model('vit_base_patch16_224', pretrained=False, img_size=32, num_classes=0, **SMALL)
    sd = convert_timm_vit(vit.state_dict(), num_frames=8, img_size=64, tubelet_size=2)
    assert sd['pos_embed'].shape == (1, 1 + 16, 48) and sd['time_embed'].shape == (1, 4, 48)
    assert sd['patch_embed.proj.weight'].shape == (48, 3, 2, 16, 16)
    _load_strict(VideoViT(img_size=64, num_frames=8, tubelet_size=2, embed_dims=48, depth=2, num_heads=4), sd)


def _joint_model(**kw) -> VideoViT:
    cfg = dict(img_size=32, num_frames=4, tubelet_size=2, embed_dims=48, depth=2, num_heads=4,
               attention_type='joint', pos_embed_type='sinusoid', with_cls_token=False, output='mean')
    return VideoViT(**{**cfg, **kw}).eval()


def test_mmaction_vit_equals_joint_model():
    torch.manual_seed(0)
    src = _mmaction_vit_class()(img_size=32, embed_dims=48, depth=2, num_heads=4, num_frames=4, tubelet_size=2)
    for p in src.parameters():  # q/v biases start at zero: randomise to test the qkv bias merge
        torch.nn.init.normal_(p, std=0.1)
    src.eval()
    model = _joint_model()
    recognizer_sd = {f'backbone.{k}': v for k, v in src.state_dict().items()}
    recognizer_sd['cls_head.fc_cls.weight'] = torch.zeros(5, 48)
    _load_strict(model, convert_mmaction_vit(recognizer_sd))
    x = torch.randn(2, 3, 4, 32, 32)
    with torch.no_grad():
        assert torch.allclose(model(x), src(x), atol=1e-5)


def _videomae_state_dict(prefix: str = '') -> dict:
    """VideoMAE names (modeling_finetune.py / modeling_pretrain.py) with random values."""
    g = torch.Generator().manual_seed(0)
    sd = {f'{prefix}patch_embed.proj.weight': torch.randn(48, 3, 2, 16, 16, generator=g),
          f'{prefix}patch_embed.proj.bias': torch.randn(48, generator=g)}
    for i in range(2):
        b = f'{prefix}blocks.{i}.'
        for name, shape in (('norm1.weight', (48,)), ('norm1.bias', (48,)), ('attn.qkv.weight', (144, 48)),
                            ('attn.q_bias', (48,)), ('attn.v_bias', (48,)), ('attn.proj.weight', (48, 48)),
                            ('attn.proj.bias', (48,)), ('norm2.weight', (48,)), ('norm2.bias', (48,)),
                            ('mlp.fc1.weight', (192, 48)), ('mlp.fc1.bias', (192,)),
                            ('mlp.fc2.weight', (48, 192)), ('mlp.fc2.bias', (48,))):
            sd[b + name] = torch.randn(*shape, generator=g)
    return sd


def test_videomae_finetuned_and_pretrained():
    ft = _videomae_state_dict()
    ft.update({'fc_norm.weight': torch.ones(48), 'fc_norm.bias': torch.zeros(48), 'head.weight': torch.zeros(5, 48),
               'head.bias': torch.zeros(5)})
    sd = convert_videomae(ft)
    _load_strict(_joint_model(), sd)
    q, v = ft['blocks.1.attn.q_bias'], ft['blocks.1.attn.v_bias']
    assert torch.equal(sd['blocks.1.attn.qkv.bias'], torch.cat([q, torch.zeros(48), v]))
    pre = _videomae_state_dict('encoder.')
    pre.update({'encoder.norm.weight': torch.ones(48), 'encoder.norm.bias': torch.zeros(48),
                'decoder.blocks.0.norm1.weight': torch.ones(8), 'mask_token': torch.zeros(1, 1, 8),
                'encoder_to_decoder.weight': torch.zeros(8, 48)})
    sd = convert_videomae(pre)
    assert not any(k.startswith(('decoder', 'encoder', 'mask_token')) for k in sd)
    _load_strict(_joint_model(output='cls', with_cls_token=True), {**sd, 'cls_token': torch.zeros(1, 1, 48)})
    with pytest.raises(ValueError, match='layer scale'):
        convert_videomae({**ft, 'blocks.0.gamma_1': torch.ones(48)})


def test_ast_equals_distilled_vit():
    """AST = DeiT-distilled ViT over the (M, L) fbank image; stride 16 makes timm's patch embed match."""
    torch.manual_seed(0)
    deit = VisionTransformerDistilled(img_size=(32, 64), patch_size=16, in_chans=1, num_classes=0,
                                      **SMALL).eval()
    ast_sd = {f'module.v.{k}': v for k, v in deit.state_dict().items()}
    ast_sd.update({'module.mlp_head.0.weight': torch.ones(48), 'module.mlp_head.1.weight': torch.zeros(5, 48)})
    model = AudioEncoder(input_length=64, num_mel_bins=32, stride=16, embed_dims=48, depth=2, num_heads=4,
                         with_dist_token=True).eval()
    _load_strict(model, convert_ast(ast_sd, src_grid=(2, 4)))
    fbank = torch.randn(2, 64, 32)
    with torch.no_grad():
        assert torch.allclose(model(fbank), deit(fbank.transpose(1, 2).unsqueeze(1)), atol=1e-5)
    # the real AST grid 12 x 101 resized to a shorter clip, distillation token dropped
    pos = torch.randn(1, 2 + 12 * 101, 48)
    sd = convert_ast({'module.v.pos_embed': pos, 'module.v.dist_token': torch.zeros(1, 1, 48)}, (12, 101), (12, 49),
                     keep_dist_token=False)
    assert sd['pos_embed'].shape == (1, 1 + 12 * 49, 48) and 'dist_token' not in sd
    assert torch.equal(sd['pos_embed'][:, 0], pos[:, 0])


def test_audiomae_equals_timm_mean_pool_vit():
    """AudioMAE fine-tuning model = timm ViT (global_pool='avg') over the (L, M) fbank image."""
    torch.manual_seed(0)
    src = timm.models.vision_transformer.VisionTransformer(img_size=(64, 32), patch_size=16, in_chans=1,
                                                           num_classes=0, global_pool='avg', **SMALL).eval()
    model = AudioEncoder(input_length=64, num_mel_bins=32, stride=16, embed_dims=48, depth=2, num_heads=4,
                         output='mean').eval()
    sd = dict(src.state_dict(), **{'head.weight': torch.zeros(5, 48), 'decoder_pred.weight': torch.zeros(1)})
    _load_strict(model, convert_audiomae(sd, src_grid=(4, 2)))
    fbank = torch.randn(2, 64, 32)
    with torch.no_grad():
        assert torch.allclose(model(fbank), src(fbank.unsqueeze(1)), atol=1e-5)


def test_cli_roundtrip_and_no_overwrite(tmp_path):
    vit = timm.create_model('vit_base_patch16_224', pretrained=False, img_size=32, num_classes=0, **SMALL)
    src, dst = tmp_path / 'vit.pth', tmp_path / 'out.pth'
    torch.save({'model': vit.state_dict()}, src)
    cmd = [sys.executable, str(ROOT / 'tools/convert/to_mmavssl.py'), 'timm_vit', str(src), str(dst),
           '--num-frames', '2', '--img-size', '32']
    subprocess.run(cmd, check=True, capture_output=True, env={'PYTHONPATH': str(ROOT), 'HF_HUB_OFFLINE': '1'})
    model = VideoViT(img_size=32, num_frames=2, embed_dims=48, depth=2, num_heads=4,
                     init_cfg=dict(type='Pretrained', checkpoint=str(dst)))
    model.init_weights()
    assert torch.equal(model.blocks[0].attn.qkv.weight, vit.blocks[0].attn.qkv.weight)
    assert load_state_dict_file(str(dst)).keys() == model.state_dict().keys()
    result = subprocess.run(cmd, capture_output=True, text=True,
                            env={'PYTHONPATH': str(ROOT), 'HF_HUB_OFFLINE': '1'})
    assert result.returncode != 0 and 'never overwritten' in result.stderr
