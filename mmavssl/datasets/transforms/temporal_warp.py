"""SVFormer's Temporal Warping Augmentation (TWAug), per sample."""
from typing import Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mmavssl.registry import TRANSFORMS


def warp_index(num_keep: int, num_frames: int, rng: np.random.Generator) -> np.ndarray:
    """SVFormer's ``getidx``: a monotone frame map that stretches ``num_keep`` kept frames over the clip.

    Draws ``num_keep`` sorted distinct indices ``lis`` from ``range(num_frames)``. Positions before
    ``lis[0]`` copy ``lis[0]``; between consecutive kept ``s < e``: if ``e == s + 1`` position ``s`` gets
    ``s``, otherwise ``mid ~ U{s..e}`` (inclusive) and ``[s, mid)`` gets ``s``, ``[mid, e)`` gets ``e``;
    positions from ``lis[-1]`` to the end copy ``lis[-1]``.

    Args:
        num_keep: k, frames kept (1 <= k <= num_frames).
        num_frames: T, clip length.
        rng: Random generator.

    Returns:
        (T,) int64 map, non-decreasing, values in ``lis``, always containing ``lis[-1]``.
    """
    if not 1 <= num_keep <= num_frames:
        raise ValueError(f'num_keep must be in [1, {num_frames}], got {num_keep}')
    lis = np.sort(rng.choice(num_frames, size=num_keep, replace=False))
    index = np.empty(num_frames, np.int64)
    index[:lis[0]] = lis[0]
    for s, e in zip(lis[:-1], lis[1:]):
        if e == s + 1:
            index[s] = s
        else:
            mid = int(rng.integers(s, e + 1))
            index[s:mid] = s
            index[mid:e] = e
    index[lis[-1]:] = lis[-1]
    return index


@TRANSFORMS.register_module()
class TemporalWarp(BaseTransform):
    """Temporal warping of every clip (SVFormer TWAug), drawn per sample instead of per batch.

    For each clip one choice is drawn uniformly from ``keep_choices``: a number k keeps k frames and stretches
    them with :func:`warp_index`; ``None`` leaves the clip unchanged (SVFormer: ``(2, 4, None)`` for T = 8).
    Frames only: the clip's audio is not warped.

    Required keys: ``imgs`` (list of frames, clip-major), ``clip_len``. Added key: ``warp_index``
    ((num_clips, clip_len) int64).

    Args:
        keep_choices: Frame counts to keep, ``None`` for identity.
    """

    def __init__(self, keep_choices: Sequence[Optional[int]] = (2, 4, None)) -> None:
        if not keep_choices:
            raise ValueError('keep_choices must not be empty')
        self.keep_choices = tuple(keep_choices)

    def transform(self, results: dict) -> dict:
        """Warp ``imgs``.

        Args:
            results: The sample dict.

        Returns:
            ``results`` with reordered frames and the maps used.
        """
        clip_len = results['clip_len']
        imgs = results['imgs']
        if len(imgs) % clip_len:
            raise ValueError(f'{len(imgs)} frames are not a multiple of clip_len={clip_len}')
        # Draw from numpy's global state so that mmengine's per-worker seeding makes this reproducible.
        rng = np.random.default_rng(np.random.randint(2**31))
        maps, warped = [], []
        for start in range(0, len(imgs), clip_len):
            choice = self.keep_choices[rng.integers(len(self.keep_choices))]
            index = np.arange(clip_len) if choice is None else warp_index(min(choice, clip_len), clip_len, rng)
            maps.append(index)
            warped.extend(imgs[start + i] for i in index)
        results['imgs'] = warped
        results['warp_index'] = np.stack(maps)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(keep_choices={self.keep_choices})'
