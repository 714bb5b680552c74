"""TimeSformer's divided space-time block (temporal attention, then spatial attention, then MLP)."""
from functools import partial

import torch
import torch.nn as nn
from timm.layers import DropPath, Mlp
from timm.layers.attention import Attention


class DividedSTBlock(nn.Module):
    """One TimeSformer ``divided_space_time`` block, on tokens ordered CLS, then (t, n) row-major.

    Per block (facebookresearch/TimeSformer ``vit.py``): ``x_t = x + temporal_fc(drop_path(temporal_attn(
    temporal_norm1(x))))`` over the T tokens of each spatial position (CLS excluded); then spatial attention
    over [CLS, N tokens] of each frame, with the CLS replicated per frame and its T outputs averaged; then the
    MLP on all tokens. Parameter names match TimeSformer/timm so checkpoints map one to one.

    Args:
        embed_dims: Token width D.
        num_heads: Attention heads.
        mlp_ratio: MLP hidden width / D.
        qkv_bias: Whether q, k, v projections have a bias.
        drop_rate: Dropout after projections.
        attn_drop_rate: Dropout on attention weights.
        drop_path: Stochastic-depth rate of this block.
        norm_eps: LayerNorm epsilon.
    """

    def __init__(self, embed_dims: int, num_heads: int, mlp_ratio: float = 4.0, qkv_bias: bool = True,
                 drop_rate: float = 0.0, attn_drop_rate: float = 0.0, drop_path: float = 0.0,
                 norm_eps: float = 1e-6) -> None:
        super().__init__()
        norm = partial(nn.LayerNorm, eps=norm_eps)
        attn = partial(Attention, embed_dims, num_heads=num_heads, qkv_bias=qkv_bias, attn_drop=attn_drop_rate,
                       proj_drop=drop_rate)
        self.temporal_norm1 = norm(embed_dims)
        self.temporal_attn = attn()
        self.temporal_fc = nn.Linear(embed_dims, embed_dims)
        self.norm1 = norm(embed_dims)
        self.attn = attn()
        self.norm2 = norm(embed_dims)
        self.mlp = Mlp(embed_dims, int(embed_dims * mlp_ratio), drop=drop_rate)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        # Zero init makes the temporal branch a no-op at start, so an inflated image ViT reproduces the
        # image model frame by frame (mmaction2's TimeSformer zero-inits every block's temporal_fc).
        nn.init.zeros_(self.temporal_fc.weight)
        nn.init.zeros_(self.temporal_fc.bias)

    def forward(self, x: torch.Tensor, num_frames: int) -> torch.Tensor:
        """Apply the block.

        Args:
            x: Tokens (B, 1 + T * N, D): CLS then frame-major patch tokens.
            num_frames: T (temporal token count).

        Returns:
            (B, 1 + T * N, D).
        """
        b, length, d = x.shape
        t = num_frames
        n = (length - 1) // t
        cls, tokens = x[:, :1], x[:, 1:]
        # temporal attention: one sequence of T tokens per spatial position
        xt = tokens.reshape(b, t, n, d).transpose(1, 2).reshape(b * n, t, d)
        res_t = self.drop_path(self.temporal_attn(self.temporal_norm1(xt)))
        res_t = res_t.reshape(b, n, t, d).transpose(1, 2).reshape(b, t * n, d)
        tokens = tokens + self.temporal_fc(res_t)
        # spatial attention: one sequence [CLS, N tokens] per frame
        xs = torch.cat([cls.expand(b, t, d).reshape(b * t, 1, d), tokens.reshape(b * t, n, d)], dim=1)
        res_s = self.drop_path(self.attn(self.norm1(xs)))
        cls_res = res_s[:, 0].reshape(b, t, d).mean(dim=1, keepdim=True)
        res_s = res_s[:, 1:].reshape(b, t * n, d)
        x = torch.cat([cls, tokens], dim=1) + torch.cat([cls_res, res_s], dim=1)
        return x + self.drop_path(self.mlp(self.norm2(x)))
