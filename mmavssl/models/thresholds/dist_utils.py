"""All-gathering of per-sample rows across ranks for the stateful thresholds."""
import torch
from mmengine.dist import all_gather, get_world_size
from torch import Tensor


def all_gather_rows(x: Tensor) -> Tensor:
    """Concatenate ``x`` from every rank along dim 0 (rank order), allowing different row counts.

    Every rank must call this at the same step (it runs two collectives). Without a process group it
    returns ``x`` unchanged.

    Args:
        x: (B_r, ...) rows of this rank.

    Returns:
        (sum_r B_r, ...) rows of all ranks.
    """
    if get_world_size() == 1:
        return x
    sizes = [int(s) for s in all_gather(torch.tensor([x.shape[0]], device=x.device))]
    padded = torch.cat([x, x.new_zeros((max(sizes) - x.shape[0], *x.shape[1:]))])
    return torch.cat([part[:n].to(x.device) for part, n in zip(all_gather(padded), sizes)])
