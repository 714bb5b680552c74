"""Token mixers (Eq. 5 masks) and the audio mix of Eq. 6."""
from .asl_guided import ASLGuidedMixup
from .audio_mix import mix_audio
from .base import BaseMixer, MixResult, num_kept_tokens
from .tube_token import TubeTokenMixup

__all__ = ['ASLGuidedMixup', 'BaseMixer', 'MixResult', 'TubeTokenMixup', 'mix_audio', 'num_kept_tokens']
