"""Transformer building blocks shared by the video and audio backbones and the fusion head.

All attention goes through timm's ``Attention`` (``fused_attn``), i.e. one ``F.scaled_dot_product_attention``
call per block, so PyTorch picks flash / memory-efficient kernels on GPU.
"""
from functools import partial
from typing import Any

import torch
import torch.nn as nn
from timm.models.vision_transformer import Block
from torch.utils.checkpoint import checkpoint


def drop_path_rates(drop_path_rate: float, depth: int) -> list:
    """Stochastic-depth rates rising linearly from 0 to ``drop_path_rate`` over ``depth`` blocks (timm rule).

    Args:
        drop_path_rate: Rate of the last block.
        depth: Number of blocks.

    Returns:
        ``depth`` floats.
    """
    # plain Python so that models can be built on the meta device (FLOP counting)
    return [drop_path_rate * i / max(depth - 1, 1) for i in range(depth)]


def make_vit_blocks(embed_dims: int, depth: int, num_heads: int, mlp_ratio: float = 4.0,
                    qkv_bias: bool = True, drop_rate: float = 0.0, attn_drop_rate: float = 0.0,
                    drop_path_rate: float = 0.0, norm_eps: float = 1e-6) -> nn.ModuleList:
    """Build ``depth`` timm ViT blocks (pre-norm attention + MLP).

    Parameter names (``norm1``, ``attn.qkv``, ``attn.proj``, ``norm2``, ``mlp.fc1``, ``mlp.fc2``) are timm's,
    which is what the checkpoint converters map onto.

    Args:
        embed_dims: Token width D.
        depth: Number of blocks.
        num_heads: Attention heads.
        mlp_ratio: MLP hidden width / D.
        qkv_bias: Whether q, k, v projections have a bias.
        drop_rate: Dropout after attention / MLP projections.
        attn_drop_rate: Dropout on attention weights.
        drop_path_rate: Stochastic depth of the last block.
        norm_eps: LayerNorm epsilon.

    Returns:
        The blocks; each maps (B, N, D) -> (B, N, D).
    """
    norm_layer = partial(nn.LayerNorm, eps=norm_eps)
    return nn.ModuleList([
        Block(embed_dims, num_heads, mlp_ratio=mlp_ratio, qkv_bias=qkv_bias, proj_drop=drop_rate,
              attn_drop=attn_drop_rate, drop_path=dpr, norm_layer=norm_layer)
        for dpr in drop_path_rates(drop_path_rate, depth)
    ])


def run_blocks(blocks: nn.ModuleList, x: torch.Tensor, with_cp: bool = False, **kwargs: Any) -> torch.Tensor:
    """Apply blocks in order, optionally with activation checkpointing.

    Args:
        blocks: Modules taking ``(x, **kwargs)``.
        x: Tokens (B, N, D).
        with_cp: Recompute each block in backward instead of storing its activations; only active when
            gradients are being recorded.
        **kwargs: Passed to every block, e.g. ``attn_mask`` (bool, broadcastable to (B, heads, N, N),
            True = may attend) or ``num_frames``.

    Returns:
        Tokens (B, N, D).
    """
    use_cp = with_cp and torch.is_grad_enabled() and x.requires_grad
    for blk in blocks:
        if use_cp:
            x = checkpoint(blk, x, use_reentrant=False, **kwargs)
        else:
            x = blk(x, **kwargs)
    return x
