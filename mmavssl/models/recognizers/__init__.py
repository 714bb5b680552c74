"""Recognizers: supervised audio-visual / video-only, the semi-supervised teacher-student model, and its variant
with the sound-swap term."""
from .av_recognizer import AVRecognizer
from .semi_av import SemiSupervisedAVRecognizer
from .sound_swap import SoundSwapAVRecognizer
from .video_recognizer import VideoRecognizer

__all__ = ['AVRecognizer', 'SemiSupervisedAVRecognizer', 'SoundSwapAVRecognizer', 'VideoRecognizer']
