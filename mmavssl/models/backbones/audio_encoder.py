"""Spectrogram ViT (AST / AudioMAE style) over the log-mel fbank."""
from typing import Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmavssl.registry import MODELS
from ..utils.init import init_vit_weights
from ..utils.pos_embed import resize_pos_embed
from ..utils.transformer import make_vit_blocks, run_blocks


@MODELS.register_module()
class AudioEncoder(BaseModule):
    """ViT over a log-mel fbank, laid out as AST does.

    The fbank (B, L, M) (L time frames, M mel bins) becomes an image (B, 1, M, L) (frequency rows, time
    columns); a Conv2d cuts 16x16 patches with ``stride`` (AST: 10, overlapping, 12 x 101 = 1212 patches for
    1024 x 128; AudioMAE: 16, 8 x 64 = 512 patches). Tokens: CLS, an optional distillation token (AST /
    DeiT), then patches row-major in (frequency, time), plus a learned ``pos_embed`` (1, prefix + f * t, D).

    ``output='cls'`` returns ``norm(x)[:, 0]`` (the average of CLS and distillation tokens when
    ``with_dist_token``, as AST); ``output='mean'`` returns ``fc_norm(mean of patch tokens)`` (AudioMAE's
    fine-tuning pooling). Other input lengths get the position embedding resized (bicubic).

    Args:
        input_length: Fbank frames L the embedding is laid out for (1024 = 10 s at a 10 ms shift).
        num_mel_bins: Mel bins M.
        patch_size: Square patch size.
        stride: Patch stride, one int or (frequency, time).
        embed_dims: Token width D.
        depth: Number of blocks.
        num_heads: Attention heads.
        mlp_ratio: MLP hidden width / D.
        qkv_bias: Whether q, k, v projections have a bias.
        with_dist_token: Add AST's distillation token.
        output: ``'cls'`` or ``'mean'``.
        drop_rate: Dropout after embeddings and projections.
        attn_drop_rate: Dropout on attention weights.
        drop_path_rate: Stochastic depth of the last block.
        norm_eps: LayerNorm epsilon.
        with_cp: Gradient checkpointing of every block.
        pretrained: Converted checkpoint path (``tools/convert/ast_to_mmavssl.py``, ``audiomae_to_mmavssl.py``).
        init_cfg: mmengine init config.
    """

    def __init__(self, input_length: int = 1024, num_mel_bins: int = 128, patch_size: int = 16,
                 stride: Union[int, Tuple[int, int]] = 10, embed_dims: int = 768, depth: int = 12,
                 num_heads: int = 12, mlp_ratio: float = 4.0, qkv_bias: bool = True,
                 with_dist_token: bool = False, output: str = 'cls', drop_rate: float = 0.0,
                 attn_drop_rate: float = 0.0, drop_path_rate: float = 0.1, norm_eps: float = 1e-6,
                 with_cp: bool = False, pretrained: Optional[str] = None, init_cfg: Optional[dict] = None) -> None:
        if pretrained is not None:
            init_cfg = dict(type='Pretrained', checkpoint=pretrained)
        super().__init__(init_cfg=init_cfg)
        if output not in ('cls', 'mean'):
            raise ValueError(f"output must be 'cls' or 'mean', got {output!r}")
        self.patch_size = patch_size
        self.input_length = input_length
        self.num_mel_bins = num_mel_bins
        self.stride = (stride, stride) if isinstance(stride, int) else tuple(stride)
        self.output = output
        self.with_cp = with_cp
        self.num_prefix = 2 if with_dist_token else 1
        self.grid = self.patch_grid(input_length, num_mel_bins)
        self.patch_embed = nn.Module()
        self.patch_embed.proj = nn.Conv2d(1, embed_dims, kernel_size=patch_size, stride=self.stride)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dims))
        self.dist_token = nn.Parameter(torch.zeros(1, 1, embed_dims)) if with_dist_token else None
        self.pos_embed = nn.Parameter(torch.zeros(1, self.num_prefix + self.grid[0] * self.grid[1], embed_dims))
        self.pos_drop = nn.Dropout(drop_rate)
        self.blocks = make_vit_blocks(embed_dims, depth, num_heads, mlp_ratio, qkv_bias, drop_rate,
                                      attn_drop_rate, drop_path_rate, norm_eps)
        self.norm = nn.LayerNorm(embed_dims, eps=norm_eps) if output == 'cls' else nn.Identity()
        self.fc_norm = nn.LayerNorm(embed_dims, eps=norm_eps) if output == 'mean' else None
        self.apply(init_vit_weights)
        for param in (self.cls_token, self.dist_token, self.pos_embed):
            if param is not None:
                nn.init.trunc_normal_(param, std=0.02)

    def patch_grid(self, length: int, num_mel_bins: int) -> Tuple[int, int]:
        """Patch grid of an fbank.

        Args:
            length: Frames L.
            num_mel_bins: Mel bins M.

        Returns:
            (f, t) = ((M - p) // stride_f + 1, (L - p) // stride_t + 1).

        Raises:
            ValueError: If the fbank is smaller than one patch.
        """
        if min(length, num_mel_bins) < self.patch_size:
            raise ValueError(f'fbank {length}x{num_mel_bins} is smaller than one {self.patch_size}x'
                             f'{self.patch_size} patch')
        return ((num_mel_bins - self.patch_size) // self.stride[0] + 1,
                (length - self.patch_size) // self.stride[1] + 1)

    def forward(self, fbank: torch.Tensor) -> torch.Tensor:
        """Encode fbanks.

        Args:
            fbank: (B, L, M) log-mel fbank (AST normalisation).

        Returns:
            (B, D) clip embedding.
        """
        if fbank.dim() != 3:
            raise ValueError(f'AudioEncoder expects an fbank (B, L, M), got shape {tuple(fbank.shape)}')
        b, length, bins = fbank.shape
        grid = self.patch_grid(length, bins)
        x = self.patch_embed.proj(fbank.unsqueeze(1).transpose(2, 3)).flatten(2).transpose(1, 2)
        prefix = [self.cls_token] if self.dist_token is None else [self.cls_token, self.dist_token]
        x = torch.cat([p.expand(b, -1, -1) for p in prefix] + [x], dim=1)
        x = self.pos_drop(x + resize_pos_embed(self.pos_embed, self.grid, grid, self.num_prefix))
        x = self.norm(run_blocks(self.blocks, x, self.with_cp))
        if self.output == 'mean':
            return self.fc_norm(x[:, self.num_prefix:].mean(dim=1))
        return x[:, :self.num_prefix].mean(dim=1)
