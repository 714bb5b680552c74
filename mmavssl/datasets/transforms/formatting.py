"""Packing of an audio-visual sample into ``inputs`` and an ``ActionDataSample``."""
from typing import Sequence

import numpy as np
import torch
from mmaction.structures import ActionDataSample
from mmcv.transforms import BaseTransform

from mmavssl.registry import TRANSFORMS


def _repeat_views(array: np.ndarray, num_views: int, key: str) -> torch.Tensor:
    """Tile per-clip audio features over the crops of each clip.

    mmaction's ``ThreeCrop``/``TenCrop`` + ``FormatShape`` order views crop-major (view ``v`` is clip
    ``v % num_clips``), which is the order ``np.tile`` produces.
    """
    if num_views % len(array):
        raise ValueError(f'{num_views} video views cannot be matched to {len(array)} {key} clips; '
                         'audio must have one entry per temporal clip')
    return torch.from_numpy(np.tile(np.ascontiguousarray(array), (num_views // len(array),) + (1,) * (array.ndim - 1)))


@TRANSFORMS.register_module()
class PackAVInputs(BaseTransform):
    """Pack frames, fbanks and labels in the sample format of docs/architecture.md.

    Required keys: ``imgs`` ((V, C, T, H, W) uint8 after ``FormatShape('NCTHW')``), ``audios``
    ((n, L, M), n = temporal clips, V a multiple of n; may be absent in a localizer pipeline that has
    ``loc_audios``). Optional: ``loc_audios`` ((n, 1, F, S), or (1, F, S) as
    ``FNACSpectrogram`` writes it: one spectrogram for every view), ``label``
    (-1 or absent for unlabeled lists), ``audio_valid``, ``audio_missing``, ``sample_idx``, ``filename`` and
    ``meta_keys``.

    Output: ``{'inputs': {'imgs': uint8 (V, C, T, H, W), 'audios': float32 (V, L, M)[, 'loc_audios':
    float32 (V, 1, F, S)]}, 'data_samples': ActionDataSample}`` with ``gt_label`` LongTensor (1,) (-1 when
    unknown) and metainfo ``audio_valid`` (bool), ``audio_missing`` (bool: the file has no audio stream),
    ``sample_idx`` (int), ``filename`` and ``meta_keys``.

    Args:
        meta_keys: Further result keys copied into the metainfo when present.
    """

    def __init__(self, meta_keys: Sequence[str] = ('img_shape', 'num_clips', 'clip_len')) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        """Pack one sample.

        Args:
            results: The sample dict.

        Returns:
            ``{'inputs': ..., 'data_samples': ActionDataSample}``.
        """
        imgs = results['imgs']
        if not isinstance(imgs, np.ndarray) or imgs.ndim != 5:
            raise ValueError("imgs must be a (V, C, T, H, W) array; add FormatShape(input_format='NCTHW') "
                             'before PackAVInputs')
        if imgs.dtype != np.uint8:
            raise ValueError(f'imgs must stay uint8 until the data preprocessor, got {imgs.dtype}')
        num_views = imgs.shape[0]
        inputs = {'imgs': torch.from_numpy(np.ascontiguousarray(imgs))}
        # The localizer's pipeline has no fbank; every other pipeline must produce one.
        for key in ('audios', 'loc_audios'):
            if key in results:
                array = np.asarray(results[key], np.float32)
                if key == 'loc_audios' and array.ndim == 3:
                    array = array[None]  # FNACSpectrogram's (1, F, S): one spectrogram for the whole sample
                inputs[key] = _repeat_views(array, num_views, key)
            elif key == 'audios' and 'loc_audios' not in results:
                raise KeyError("PackAVInputs needs results['audios'] (add AudioFbank) or, for the localizer, "
                               "results['loc_audios'] (add FNACSpectrogram)")
        sample = ActionDataSample()
        sample.set_gt_label(int(results.get('label', -1)))
        meta = {'audio_valid': bool(results.get('audio_valid', False)),
                'audio_missing': bool(results.get('audio_missing', False)),
                'sample_idx': int(results.get('sample_idx', -1)),
                'filename': results.get('filename')}
        meta.update({k: results[k] for k in self.meta_keys if k in results})
        sample.set_metainfo(meta)
        return {'inputs': inputs, 'data_samples': sample}

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'

