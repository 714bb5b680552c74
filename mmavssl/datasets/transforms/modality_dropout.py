"""Modality dropout for audio-visual training: hide the audio of random training samples."""
import numpy as np
from mmcv.transforms import BaseTransform

from mmavssl.registry import TRANSFORMS


@TRANSFORMS.register_module()
class AudioDropout(BaseTransform):
    """With probability ``prob`` mark the sample's audio as missing (``audio_valid=False``, fbank zeroed).

    The fusion head removes an invalid audio token from every attention, so such a sample is classified from
    the video alone and its gradient reaches only the video branch. Without it, a from-scratch audio-visual
    model on data whose audio is learnt first can leave the video branch unused (on the synthetic set its CLS
    output collapsed to a constant; docs/models.md). Use it in training pipelines of audio-visual models only:
    an audio-only model would be trained on silence.

    Required keys: ``audios`` (num_clips, L, M). Modified keys: ``audios``, ``audio_valid``.

    Args:
        prob: Probability of dropping the audio of a sample, in [0, 1].
    """

    def __init__(self, prob: float = 0.5) -> None:
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f'AudioDropout prob must be in [0, 1], got {prob}')
        self.prob = prob

    def transform(self, results: dict) -> dict:
        """Drop the audio with probability ``prob``.

        Args:
            results: The sample dict after ``AudioFbank``.

        Returns:
            The same dict, with ``audios`` zeroed and ``audio_valid`` False when dropped.
        """
        if np.random.rand() < self.prob:
            results['audios'] = np.zeros_like(results['audios'])
            results['audio_valid'] = False
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob})'
