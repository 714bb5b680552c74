"""Audio-visual transforms (registered in ``TRANSFORMS``)."""
from .audio import AudioFbank, AudioNoise, SpecAugment
from .formatting import PackAVInputs
from .loading import ArrayVideoReader, AVDecode, AVInit
from .localization import FNACSpectrogram, LoadSourceBoxes, LocAudioDecode, LocAudioWindow
from .rand_augment import ClipRandAugment
from .temporal_warp import TemporalWarp, warp_index
from .wrappers import MultiBranchAV

__all__ = ['ArrayVideoReader', 'AVInit', 'AVDecode', 'AudioFbank', 'AudioNoise', 'SpecAugment', 'ClipRandAugment', 'TemporalWarp', 'warp_index',
           'MultiBranchAV', 'PackAVInputs', 'FNACSpectrogram', 'LocAudioWindow',
           'LocAudioDecode', 'LoadSourceBoxes']
