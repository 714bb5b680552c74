"""Audio-visual transforms (registered in ``TRANSFORMS``)."""
from .localization import FNACSpectrogram, LocAudioWindow, load_av_sample

__all__ = ['FNACSpectrogram', 'LocAudioWindow', 'load_av_sample']
