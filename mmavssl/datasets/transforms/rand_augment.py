"""RandAugment applied identically to every frame of a clip."""
from typing import Optional

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from torchvision.transforms import v2

from mmavssl.registry import TRANSFORMS


@TRANSFORMS.register_module()
class ClipRandAugment(BaseTransform):
    """torchvision's RandAugment with one draw of ops and magnitudes per clip.

    torchvision v2 transforms draw their parameters once per call and treat leading dimensions as a batch,
    so calling ``RandAugment`` on a (T, C, H, W) clip applies the same photometric and geometric ops to all
    T frames (temporal consistency). Each of the ``num_clips`` clips gets its own draw.

    Required keys: ``imgs`` (list of (H, W, 3) uint8 frames, clip-major), ``clip_len``, ``num_clips``.

    Args:
        num_ops: Ops per clip (RandAugment N).
        magnitude: Op strength (RandAugment M, out of ``num_magnitude_bins - 1``).
        num_magnitude_bins: Magnitude resolution.
        fill: Pixel value for areas uncovered by geometric ops.
        prob: Probability to augment a clip at all.
    """

    def __init__(self, num_ops: int = 2, magnitude: int = 9, num_magnitude_bins: int = 31,
                 fill: Optional[int] = 0, prob: float = 1.0) -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.prob = prob
        self.op = v2.RandAugment(num_ops=num_ops, magnitude=magnitude, num_magnitude_bins=num_magnitude_bins,
                                 fill=fill)

    def transform(self, results: dict) -> dict:
        """Augment every clip of ``imgs``.

        Args:
            results: The sample dict.

        Returns:
            ``results`` with augmented uint8 frames.
        """
        clip_len = results['clip_len']
        frames = torch.from_numpy(np.stack(results['imgs'])).permute(0, 3, 1, 2)  # (n*T, C, H, W)
        clips = []
        for clip in frames.split(clip_len):
            clips.append(self.op(clip) if np.random.rand() < self.prob else clip)
        results['imgs'] = list(torch.cat(clips).permute(0, 2, 3, 1).contiguous().numpy())
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}, '
                f'prob={self.prob})')
