"""Position-embedding construction and resizing (spatial bicubic, temporal linear).

Used at run time (inputs of another size than configured) and by the checkpoint converters.
"""
from typing import Tuple

import torch
import torch.nn.functional as F


def sinusoid_table(num_positions: int, embed_dims: int) -> torch.Tensor:
    """1-D sine/cosine table of VideoMAE and mmaction2's ``get_sinusoid_encoding``.

    Args:
        num_positions: Number of positions P.
        embed_dims: Width D.

    Returns:
        (1, P, D) float32: even channels sin, odd channels cos of ``pos / 10000^(2i/D)``.
    """
    vec = torch.arange(embed_dims, dtype=torch.float64)
    vec = torch.pow(10000, -(vec - vec % 2) / embed_dims).view(1, -1)
    table = torch.arange(num_positions, dtype=torch.float64).view(-1, 1) * vec
    table[:, 0::2].sin_()
    table[:, 1::2].cos_()
    return table.to(torch.float32).unsqueeze(0)


def resize_grid_embed(embed: torch.Tensor, src: Tuple[int, ...], dst: Tuple[int, ...]) -> torch.Tensor:
    """Resize an embedding laid out on a 1-, 2- or 3-D grid (row-major) to another grid size.

    The spatial (last two) axes use bicubic interpolation like TimeSformer/timm; a leading temporal axis
    uses linear interpolation (``align_corners=False``), so equal sizes are an exact no-op.

    Args:
        embed: (1, prod(src), D) embedding, no prefix tokens.
        src: Grid the embedding was trained on: (t,), (h, w) or (t, h, w).
        dst: Target grid with the same number of axes.

    Returns:
        (1, prod(dst), D).

    Raises:
        ValueError: If the token count does not match ``src`` or the grids differ in rank.
    """
    if len(src) != len(dst):
        raise ValueError(f'grid ranks differ: {src} vs {dst}')
    dims = embed.shape[-1]
    if embed.shape[1] != int(torch.tensor(src).prod()):
        raise ValueError(f'embedding has {embed.shape[1]} tokens, grid {src} needs {int(torch.tensor(src).prod())}')
    if tuple(src) == tuple(dst):
        return embed
    orig_dtype = embed.dtype
    grid = embed.float().reshape(1, *src, dims)
    if len(src) >= 2 and tuple(src[-2:]) != tuple(dst[-2:]):
        lead = src[:-2]
        grid = grid.reshape(-1, *src[-2:], dims).permute(0, 3, 1, 2)
        grid = F.interpolate(grid, size=tuple(dst[-2:]), mode='bicubic', align_corners=False)
        grid = grid.permute(0, 2, 3, 1).reshape(1, *lead, *dst[-2:], dims)
    if len(src) != 2 and src[0] != dst[0]:
        rest = grid.shape[2:-1]
        grid = grid.reshape(1, src[0], -1).permute(0, 2, 1)
        grid = F.interpolate(grid, size=dst[0], mode='linear', align_corners=False)
        grid = grid.permute(0, 2, 1).reshape(1, dst[0], *rest, dims)
    return grid.reshape(1, -1, dims).to(orig_dtype)


def resize_pos_embed(pos_embed: torch.Tensor, src: Tuple[int, ...], dst: Tuple[int, ...],
                     num_prefix: int = 0) -> torch.Tensor:
    """Resize a position embedding whose first ``num_prefix`` tokens (CLS, distillation) are not on the grid.

    Args:
        pos_embed: (1, num_prefix + prod(src), D).
        src: Source grid, see :func:`resize_grid_embed`.
        dst: Target grid.
        num_prefix: Leading tokens kept unchanged.

    Returns:
        (1, num_prefix + prod(dst), D).
    """
    prefix, grid = pos_embed[:, :num_prefix], pos_embed[:, num_prefix:]
    return torch.cat([prefix, resize_grid_embed(grid, src, dst)], dim=1)
