"""Video ViT backbone: TimeSformer divided space-time or VideoMAE joint space-time attention."""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmavssl.registry import MODELS
from ..utils.init import init_vit_weights
from ..utils.pos_embed import resize_grid_embed, resize_pos_embed, sinusoid_table
from ..utils.transformer import drop_path_rates, make_vit_blocks, run_blocks
from .divided_st_block import DividedSTBlock

_LAYOUTS = ('divided', 'joint')


class TubeletEmbed(nn.Module):
    """Non-overlapping (tubelet, patch, patch) Conv3d embedding; ``tubelet=1`` is a per-frame Conv2d.

    Args:
        in_channels: Input channels C.
        embed_dims: Output width D.
        patch_size: Spatial patch size p.
        tubelet_size: Temporal patch size.
    """

    def __init__(self, in_channels: int, embed_dims: int, patch_size: int, tubelet_size: int) -> None:
        super().__init__()
        kernel = (tubelet_size, patch_size, patch_size)
        self.proj = nn.Conv3d(in_channels, embed_dims, kernel_size=kernel, stride=kernel)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embed a clip.

        Args:
            x: (B, C, T, H, W).

        Returns:
            (B, T', N, D) with T' = T / tubelet, N = (H / p) * (W / p), row-major.
        """
        x = self.proj(x)
        return x.flatten(3).permute(0, 2, 3, 1)


class ConvStemEmbed(nn.Module):
    """Convolutional patch embedding (Xiao et al. 2021, "Early Convolutions Help Transformers See Better").

    ``log2(p)`` stride-2 3x3 convolutions with ReLU per frame (widths halving backwards from the last two at D:
    D/4, D/2, D, D for p = 16), then a 1x1 projection to D: the token grid of :class:`TubeletEmbed` with
    ``tubelet_size=1``, but each token sees its patch through a small CNN instead of one linear map, a known aid
    to ViTs trained from scratch on little data; on the synthetic benchmark it made no measurable difference
    (docs/results.md). Token mixing still happens on the embedded tokens, so every mixer works unchanged.

    Args:
        in_channels: Input channels C.
        embed_dims: Output width D.
        patch_size: Spatial patch size p (a power of two, >= 2).
    """

    def __init__(self, in_channels: int, embed_dims: int, patch_size: int) -> None:
        super().__init__()
        steps = patch_size.bit_length() - 1
        if patch_size < 2 or 1 << steps != patch_size:
            raise ValueError(f'a convolutional stem needs a power-of-two patch_size >= 2, got {patch_size}')
        layers, width_in = [], in_channels
        for i in range(steps):
            width = max(1, min(embed_dims, embed_dims * 4 >> (steps - i)))
            layers += [nn.Conv2d(width_in, width, 3, stride=2, padding=1), nn.ReLU(inplace=True)]
            width_in = width
        layers.append(nn.Conv2d(width_in, embed_dims, 1))
        self.proj = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embed a clip frame by frame.

        Args:
            x: (B, C, T, H, W).

        Returns:
            (B, T, N, D) with N = (H / p) * (W / p), row-major.
        """
        b, c, t, h, w = x.shape
        y = self.proj(x.transpose(1, 2).reshape(b * t, c, h, w))
        return y.flatten(2).transpose(1, 2).reshape(b, t, -1, y.shape[1])


@MODELS.register_module()
class VideoViT(BaseModule):
    """Video Vision Transformer with token mixing right after patch embedding (SVFormer's mixing point).

    Two layouts:

    * ``attention_type='divided'`` (TimeSformer, SVFormer's and the paper's backbone, e.g. ViT-B/16 on
      8x224^2 with ``tubelet_size=1``): learned spatial ``pos_embed`` (1, 1 + N, D) whose first row belongs to
      the CLS token, learned ``time_embed`` (1, T', D) added to patch tokens only, blocks of
      :class:`DividedSTBlock`, final ``norm``, output the CLS token.
    * ``attention_type='joint'`` (VideoMAE / mmaction2 ``VisionTransformer``, e.g. 16x224^2 with
      ``tubelet_size=2``): one ``pos_embed`` over all T' * N tokens (fixed sinusoid by default, as VideoMAE,
      or learned), timm ViT blocks over the full sequence. VideoMAE has no CLS token and mean-pools;
      ``with_cls_token=True`` prepends a learned CLS (no position embedding of its own).

    ``output='cls'`` returns ``norm(x)[:, 0]``; ``output='mean'`` returns ``fc_norm(mean of patch tokens)``
    (VideoMAE's head input; ``norm`` is then an identity, as in VideoMAE).

    Inputs of another size than configured get their position / time embeddings resized on the fly
    (bicubic in space, linear in time).

    Args:
        img_size: Training crop size H = W the embeddings are laid out for.
        num_frames: Frames T the embeddings are laid out for.
        patch_size: Spatial patch size p.
        tubelet_size: Frames per temporal token (1 = per-frame patches).
        patch_embed: ``'linear'`` (one Conv3d per tubelet, ViT's) or ``'conv_stem'`` (:class:`ConvStemEmbed`,
            ``tubelet_size=1`` only; for small models trained from scratch, not in the paper).
        in_channels: Input channels.
        embed_dims: Token width D.
        depth: Number of blocks.
        num_heads: Attention heads.
        mlp_ratio: MLP hidden width / D.
        qkv_bias: Whether q, k, v projections have a bias.
        attention_type: ``'divided'`` or ``'joint'``.
        pos_embed_type: ``'learnable'`` or ``'sinusoid'`` (joint layout only; divided is always learned).
        with_cls_token: Prepend a CLS token (always True for ``'divided'``).
        output: ``'cls'`` or ``'mean'``.
        drop_rate: Dropout after embeddings and projections.
        attn_drop_rate: Dropout on attention weights.
        drop_path_rate: Stochastic depth of the last block (linear rule).
        norm_eps: LayerNorm epsilon.
        with_cp: Gradient checkpointing of every block.
        pretrained: Path of a checkpoint already in this class's key names (see ``tools/convert/``);
            shorthand for ``init_cfg=dict(type='Pretrained', checkpoint=pretrained)``.
        init_cfg: mmengine init config.
    """

    def __init__(self, img_size: int = 224, num_frames: int = 8, patch_size: int = 16, tubelet_size: int = 1,
                 patch_embed: str = 'linear', in_channels: int = 3, embed_dims: int = 768, depth: int = 12, num_heads: int = 12,
                 mlp_ratio: float = 4.0, qkv_bias: bool = True, attention_type: str = 'divided',
                 pos_embed_type: str = 'learnable', with_cls_token: bool = True, output: str = 'cls',
                 drop_rate: float = 0.0, attn_drop_rate: float = 0.0, drop_path_rate: float = 0.1,
                 norm_eps: float = 1e-6, with_cp: bool = False, pretrained: Optional[str] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if pretrained is not None:
            init_cfg = dict(type='Pretrained', checkpoint=pretrained)
        super().__init__(init_cfg=init_cfg)
        if attention_type not in _LAYOUTS:
            raise ValueError(f'attention_type must be one of {_LAYOUTS}, got {attention_type!r}')
        if attention_type == 'divided' and not with_cls_token:
            raise ValueError("attention_type='divided' needs with_cls_token=True (TimeSformer's CLS handling)")
        if output not in ('cls', 'mean') or (output == 'cls' and not with_cls_token):
            raise ValueError(f"output must be 'mean', or 'cls' with with_cls_token=True; got {output!r}")
        if pos_embed_type not in ('learnable', 'sinusoid'):
            raise ValueError(f"pos_embed_type must be 'learnable' or 'sinusoid', got {pos_embed_type!r}")
        if num_frames % tubelet_size or img_size % patch_size:
            raise ValueError(f'num_frames={num_frames} must divide by tubelet_size={tubelet_size} and '
                             f'img_size={img_size} by patch_size={patch_size}')
        self.attention_type = attention_type
        self.patch_size = patch_size
        self.tubelet_size = tubelet_size
        self.embed_dims = embed_dims
        self.output = output
        self.with_cp = with_cp
        self.num_frames = num_frames
        self.img_size = img_size
        self.grid = (num_frames // tubelet_size, img_size // patch_size, img_size // patch_size)
        t0, h0, w0 = self.grid

        if patch_embed == 'linear':
            self.patch_embed = TubeletEmbed(in_channels, embed_dims, patch_size, tubelet_size)
        elif patch_embed == 'conv_stem' and tubelet_size == 1:
            self.patch_embed = ConvStemEmbed(in_channels, embed_dims, patch_size)
        else:
            raise ValueError(f"patch_embed must be 'linear', or 'conv_stem' with tubelet_size=1; got "
                             f'{patch_embed!r} with tubelet_size={tubelet_size}')
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dims)) if with_cls_token else None
        if attention_type == 'divided':
            self.pos_embed = nn.Parameter(torch.zeros(1, 1 + h0 * w0, embed_dims))
            self.time_embed = nn.Parameter(torch.zeros(1, t0, embed_dims))
            self.blocks = nn.ModuleList([
                DividedSTBlock(embed_dims, num_heads, mlp_ratio, qkv_bias, drop_rate, attn_drop_rate, dpr,
                               norm_eps) for dpr in drop_path_rates(drop_path_rate, depth)
            ])
        else:
            if pos_embed_type == 'learnable':
                self.pos_embed = nn.Parameter(torch.zeros(1, t0 * h0 * w0, embed_dims))
            else:
                # not persistent: the table is a function of the configured grid, never learned
                self.register_buffer('pos_embed', sinusoid_table(t0 * h0 * w0, embed_dims), persistent=False)
            self.time_embed = None
            self.blocks = make_vit_blocks(embed_dims, depth, num_heads, mlp_ratio, qkv_bias, drop_rate,
                                          attn_drop_rate, drop_path_rate, norm_eps)
        self.pos_drop = nn.Dropout(drop_rate)
        self.norm = nn.LayerNorm(embed_dims, eps=norm_eps) if output == 'cls' else nn.Identity()
        self.fc_norm = nn.LayerNorm(embed_dims, eps=norm_eps) if output == 'mean' else None
        self._init_parameters()

    def _init_parameters(self) -> None:
        """timm ViT initialisation, then zero ``temporal_fc`` (see :class:`DividedSTBlock`)."""
        self.apply(init_vit_weights)
        for param in (self.cls_token, self.time_embed):
            if param is not None:
                nn.init.trunc_normal_(param, std=0.02)
        if isinstance(self.pos_embed, nn.Parameter):
            nn.init.trunc_normal_(self.pos_embed, std=0.02)
        for blk in self.blocks:
            if isinstance(blk, DividedSTBlock):
                nn.init.zeros_(blk.temporal_fc.weight)
                nn.init.zeros_(blk.temporal_fc.bias)

    def token_grid(self, num_frames: int, height: int, width: int) -> Tuple[int, int, int]:
        """Token grid of an input clip (what ``token_mask`` must be laid out on).

        Args:
            num_frames: T.
            height: H.
            width: W.

        Returns:
            (T', h, w) = (T / tubelet, H / p, W / p); a mask has shape (B, T', h * w).

        Raises:
            ValueError: If the sizes do not divide.
        """
        if num_frames % self.tubelet_size or height % self.patch_size or width % self.patch_size:
            raise ValueError(f'clip {num_frames}x{height}x{width} does not divide into tubelets '
                             f'{self.tubelet_size}x{self.patch_size}x{self.patch_size}')
        return num_frames // self.tubelet_size, height // self.patch_size, width // self.patch_size

    def embed(self, x: torch.Tensor, token_mask: Optional[torch.Tensor] = None,
              partner: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Patch-embed, mix with the partner clip, add CLS and position/time embeddings.

        Args:
            x: Clip (B, C, T, H, W), normalised.
            token_mask: (B, T', N), 1 keeps x's token, 0 takes the partner's; float or bool.
            partner: Clip (B, C, T, H, W) providing the replaced tokens; required with ``token_mask``.

        Returns:
            Token sequence (B, [1 +] T' * N, D), frame-major.
        """
        grid = self.token_grid(*x.shape[2:])
        tokens = self.patch_embed(x)
        if token_mask is not None:
            if partner is None or partner.shape != x.shape:
                raise ValueError('token_mask needs a partner clip of the same shape as x, got '
                                 f'{None if partner is None else tuple(partner.shape)} vs {tuple(x.shape)}')
            expected = (x.shape[0], grid[0], grid[1] * grid[2])
            if tuple(token_mask.shape) != expected:
                raise ValueError(f'token_mask must have shape (B, T\', N) = {expected}, got '
                                 f'{tuple(token_mask.shape)}')
            keep = token_mask.to(tokens.dtype).unsqueeze(-1)
            tokens = keep * tokens + (1 - keep) * self.patch_embed(partner)
        b, t, n, d = tokens.shape
        if self.attention_type == 'divided':
            pos = resize_pos_embed(self.pos_embed, self.grid[1:], grid[1:], num_prefix=1)
            time = resize_grid_embed(self.time_embed, self.grid[:1], grid[:1])
            tokens = tokens + pos[:, 1:].unsqueeze(1) + time.unsqueeze(2)
            cls = (self.cls_token + pos[:, :1]).expand(b, 1, d)
            return self.pos_drop(torch.cat([cls, tokens.reshape(b, t * n, d)], dim=1))
        pos = resize_grid_embed(self.pos_embed, self.grid, grid)
        seq = tokens.reshape(b, t * n, d) + pos.to(tokens.dtype)
        if self.cls_token is not None:
            seq = torch.cat([self.cls_token.expand(b, 1, d), seq], dim=1)
        return self.pos_drop(seq)

    def forward(self, x: torch.Tensor, token_mask: Optional[torch.Tensor] = None,
                partner: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Encode a clip, optionally token-mixed with a partner clip.

        Args:
            x: Clip (B, C, T, H, W), normalised.
            token_mask: (B, T', N), 1 keeps x's token, 0 takes the partner's.
            partner: Clip (B, C, T, H, W).

        Returns:
            Clip embedding (B, D): the CLS token or the pooled tokens (see ``output``).
        """
        seq = self.embed(x, token_mask, partner)
        if self.attention_type == 'divided':
            seq = run_blocks(self.blocks, seq, self.with_cp, num_frames=self.token_grid(*x.shape[2:])[0])
        else:
            seq = run_blocks(self.blocks, seq, self.with_cp)
        seq = self.norm(seq)
        if self.output == 'cls':
            return seq[:, 0]
        start = 0 if self.cls_token is None else 1
        return self.fc_norm(seq[:, start:].mean(dim=1))
