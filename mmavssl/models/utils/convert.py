"""Conversion of public checkpoints to the key names of :class:`VideoViT` and :class:`AudioEncoder`.

Every ``convert_*`` function takes a source state dict (tensors only) and returns a new one in the
backbone's own names, loadable with ``backbone.load_state_dict`` or through
``init_cfg=dict(type='Pretrained', checkpoint=...)`` after :func:`save_converted`. Sources:

* timm ImageNet ViT (``cls_token``, ``pos_embed``, ``patch_embed.proj``, ``blocks.i.{norm1,attn,norm2,mlp}``,
  ``norm``, ``head``) inflated to the divided (TimeSformer) layout as TimeSformer's ``load_pretrained``
  does: spatial attention and ``norm1`` copied to ``temporal_attn`` / ``temporal_norm1``, ``temporal_fc``
  and ``time_embed`` zero, ``pos_embed`` resized to the target grid.
* VideoMAE (``MCG-NJU/VideoMAE``: ``patch_embed.proj`` Conv3d, ``blocks.i.attn.{qkv.weight,q_bias,v_bias}``,
  ``fc_norm``; pre-training files add ``encoder.`` and decoder keys) to the joint layout.
* mmaction2 ``VisionTransformer`` (``mmaction.models.backbones.vit_mae``: ``patch_embed.projection``,
  ``mlp.layers.0.0`` / ``mlp.layers.1``; recognizer files add ``backbone.``) to the joint layout.
* AST (``YuanGongND/ast``: ``module.v.*``, ``module.mlp_head``) and AudioMAE (``facebookresearch/AudioMAE``:
  timm names over a (time, frequency) image) to :class:`AudioEncoder`.
"""
import os
from typing import Dict, Optional, Sequence, Tuple

import torch

from mmavssl.utils.checkpoint import safe_torch_load
from .pos_embed import resize_grid_embed, resize_pos_embed

StateDict = Dict[str, torch.Tensor]


def load_state_dict_file(path: str) -> StateDict:
    """Read a checkpoint (``.pth``/``.pt``/``.bin`` through mmavssl's safe loader, or ``.safetensors``).

    Unwraps the usual containers (``state_dict``, ``model``, ``module``).

    Args:
        path: Local file.

    Returns:
        The flat state dict.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If no tensor dict is found in it.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f'checkpoint {path!r} not found; download it first (see docs/models.md)')
    if path.endswith('.safetensors'):
        from safetensors.torch import load_file
        return dict(load_file(path))
    ckpt = safe_torch_load(path, map_location='cpu')
    for key in ('state_dict', 'model', 'module'):
        if isinstance(ckpt, dict) and isinstance(ckpt.get(key), dict):
            ckpt = ckpt[key]
    if not isinstance(ckpt, dict) or not all(isinstance(v, torch.Tensor) for v in ckpt.values()):
        raise ValueError(f'{path!r} holds no state dict of tensors')
    return dict(ckpt)


def save_converted(state_dict: StateDict, path: str, prefix: str = '', meta: Optional[dict] = None) -> None:
    """Save a converted state dict as ``{'state_dict': ..., 'meta': ...}`` without overwriting.

    Args:
        state_dict: Backbone-relative keys.
        path: Output file; must not exist.
        prefix: Prepended to every key (e.g. ``'video_backbone.'`` for a recognizer's ``load_from``).
        meta: Stored alongside (source file, conversion arguments).

    Raises:
        FileExistsError: If ``path`` exists.
    """
    if os.path.exists(path):
        raise FileExistsError(f'{path!r} exists; choose another output path (it is never overwritten)')
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    torch.save({'state_dict': {prefix + k: v for k, v in state_dict.items()}, 'meta': meta or {}}, path)


def _strip(state_dict: StateDict, prefix: str) -> StateDict:
    """Keep keys under ``prefix`` (without it), or everything when no key has it."""
    if not any(k.startswith(prefix) for k in state_dict):
        return dict(state_dict)
    return {k[len(prefix):]: v for k, v in state_dict.items() if k.startswith(prefix)}


def _drop(state_dict: StateDict, prefixes: Sequence[str]) -> StateDict:
    """Remove keys starting with any of ``prefixes``."""
    return {k: v for k, v in state_dict.items() if not k.startswith(tuple(prefixes))}


def _merge_qv_bias(state_dict: StateDict) -> StateDict:
    """Fold BEiT/VideoMAE ``attn.q_bias`` + ``attn.v_bias`` into one ``attn.qkv.bias`` (k bias is zero)."""
    out = {}
    for key, value in state_dict.items():
        if key.endswith('attn.v_bias'):
            continue
        if key.endswith('attn.q_bias'):
            stem = key[:-len('q_bias')]
            out[stem + 'qkv.bias'] = torch.cat([value, torch.zeros_like(value), state_dict[stem + 'v_bias']])
        else:
            out[key] = value
    return out


def _check_no_layer_scale(state_dict: StateDict, source: str) -> None:
    """Refuse checkpoints with layer scale (``gamma_1``), which the timm blocks here do not have."""
    if any('gamma_1' in k for k in state_dict):
        raise ValueError(f'{source} checkpoint uses layer scale (init_values > 0, keys *.gamma_1); '
                         'mmavssl backbones have no layer scale')


def convert_timm_vit(state_dict: StateDict, num_frames: int = 8, img_size: int = 224,
                     patch_size: int = 16, tubelet_size: int = 1) -> StateDict:
    """Inflate a timm image ViT into a divided space-time :class:`VideoViT`.

    Args:
        state_dict: timm ``VisionTransformer`` state dict (class token, no register tokens).
        num_frames: Target T.
        img_size: Target crop size.
        patch_size: Patch size (must match the source).
        tubelet_size: Target tubelet; >1 spreads the 2-D kernel evenly over the tubelet frames.

    Returns:
        VideoViT(attention_type='divided') state dict.
    """
    sd = _drop(state_dict, ('head.', 'fc_norm.', 'head_drop'))
    weight = sd['patch_embed.proj.weight']
    if weight.shape[-1] != patch_size:
        raise ValueError(f'source patch size {weight.shape[-1]} != {patch_size}')
    sd['patch_embed.proj.weight'] = weight.unsqueeze(2).repeat(1, 1, tubelet_size, 1, 1) / tubelet_size
    side = int(round((sd['pos_embed'].shape[1] - 1) ** 0.5))
    target = img_size // patch_size
    sd['pos_embed'] = resize_pos_embed(sd['pos_embed'], (side, side), (target, target), num_prefix=1)
    dims = sd['cls_token'].shape[-1]
    sd['time_embed'] = torch.zeros(1, num_frames // tubelet_size, dims)
    for key in list(sd):
        if key.startswith('blocks.') and ('.attn.' in key or '.norm1.' in key):
            sd[key.replace('.attn.', '.temporal_attn.').replace('.norm1.', '.temporal_norm1.')] = sd[key].clone()
    for i in {k.split('.')[1] for k in sd if k.startswith('blocks.')}:
        sd[f'blocks.{i}.temporal_fc.weight'] = torch.zeros(dims, dims)
        sd[f'blocks.{i}.temporal_fc.bias'] = torch.zeros(dims)
    return sd


def convert_videomae(state_dict: StateDict, learnable_pos_embed: bool = False) -> StateDict:
    """Convert a VideoMAE (fine-tuned or pre-trained encoder) checkpoint to the joint :class:`VideoViT`.

    Args:
        state_dict: VideoMAE keys (``encoder.`` prefix and decoder keys of pre-training files are handled).
        learnable_pos_embed: Keep ``pos_embed`` (for ``pos_embed_type='learnable'``); VideoMAE's table is the
            fixed sinusoid the target rebuilds, so it is dropped by default.

    Returns:
        VideoViT(attention_type='joint') state dict.
    """
    sd = _strip(state_dict, 'encoder.')
    sd = _drop(sd, ('decoder', 'encoder_to_decoder', 'mask_token', 'head.'))
    _check_no_layer_scale(sd, 'VideoMAE')
    if not learnable_pos_embed:
        sd.pop('pos_embed', None)
    return _merge_qv_bias(sd)


def convert_mmaction_vit(state_dict: StateDict, learnable_pos_embed: bool = False) -> StateDict:
    """Convert mmaction2's ``VisionTransformer`` (``vit_mae.py``) to the joint :class:`VideoViT`.

    Args:
        state_dict: Backbone keys, or a recognizer's (``backbone.`` prefix, ``cls_head.`` dropped).
        learnable_pos_embed: Keep ``pos_embed`` (``use_learnable_pos_emb=True`` sources); the sinusoid
            buffer is dropped by default.

    Returns:
        VideoViT(attention_type='joint') state dict.
    """
    sd = _strip(state_dict, 'backbone.')
    sd = _drop(sd, ('cls_head.', 'data_preprocessor.'))
    _check_no_layer_scale(sd, 'mmaction2 VisionTransformer')
    renames = (('patch_embed.projection.', 'patch_embed.proj.'), ('.mlp.layers.0.0.', '.mlp.fc1.'),
               ('.mlp.layers.1.', '.mlp.fc2.'))
    out = {}
    for key, value in sd.items():
        for old, new in renames:
            key = key.replace(old, new)
        out[key] = value
    if not learnable_pos_embed:
        out.pop('pos_embed', None)
    return _merge_qv_bias(out)


def convert_ast(state_dict: StateDict, src_grid: Tuple[int, int] = (12, 101),
                dst_grid: Optional[Tuple[int, int]] = None, keep_dist_token: bool = True) -> StateDict:
    """Convert an AST checkpoint (``module.v.*``) to :class:`AudioEncoder`.

    Args:
        state_dict: AST keys (``module.v.`` / ``v.`` prefixes handled, ``mlp_head`` dropped).
        src_grid: (frequency, time) patch grid of the source (12 x 101 for 128 x 1024 at stride 10).
        dst_grid: Target grid (``AudioEncoder.grid``); None keeps the source grid.
        keep_dist_token: Keep the distillation token (target ``with_dist_token=True``, AST's output);
            otherwise drop it and its position-embedding row.

    Returns:
        AudioEncoder state dict.
    """
    sd = _strip(_strip(state_dict, 'module.'), 'v.')
    sd = _drop(sd, ('mlp_head.', 'head.', 'head_dist.'))
    prefix = 2
    if not keep_dist_token:
        sd.pop('dist_token', None)
        sd['pos_embed'] = torch.cat([sd['pos_embed'][:, :1], sd['pos_embed'][:, 2:]], dim=1)
        prefix = 1
    sd['pos_embed'] = resize_pos_embed(sd['pos_embed'], src_grid, dst_grid or src_grid, num_prefix=prefix)
    return sd


def convert_audiomae(state_dict: StateDict, src_grid: Tuple[int, int] = (64, 8),
                     dst_grid: Optional[Tuple[int, int]] = None) -> StateDict:
    """Convert an AudioMAE encoder (fine-tuned or pre-trained) to :class:`AudioEncoder`.

    AudioMAE patches a (time, frequency) image; :class:`AudioEncoder` patches (frequency, time) like AST,
    so the patch kernel and the position grid are transposed.

    Args:
        state_dict: AudioMAE keys (decoder and head keys dropped).
        src_grid: (time, frequency) patch grid of the source (64 x 8 for 1024 x 128 at stride 16).
        dst_grid: Target (frequency, time) grid; None = the transposed source grid.

    Returns:
        AudioEncoder(stride=16, output='mean') state dict (``norm`` of pre-training files kept as ``norm``).
    """
    sd = _drop(state_dict, ('decoder', 'mask_token', 'head.'))
    sd['patch_embed.proj.weight'] = sd['patch_embed.proj.weight'].transpose(-1, -2).contiguous()
    pos = sd['pos_embed']
    t, f = src_grid
    grid = pos[:, 1:].reshape(1, t, f, -1).transpose(1, 2).reshape(1, t * f, -1)
    grid = resize_grid_embed(grid, (f, t), dst_grid or (f, t))
    sd['pos_embed'] = torch.cat([pos[:, :1], grid], dim=1)
    return sd


CONVERTERS = {
    'timm_vit': convert_timm_vit,
    'videomae': convert_videomae,
    'mmaction_vit': convert_mmaction_vit,
    'ast': convert_ast,
    'audiomae': convert_audiomae,
}
