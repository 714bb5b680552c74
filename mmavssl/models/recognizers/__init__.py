"""Recognizers: supervised audio-visual / video-only, and the semi-supervised teacher-student model."""
from .av_recognizer import AVRecognizer
from .semi_av import SemiSupervisedAVRecognizer
from .video_recognizer import VideoRecognizer

__all__ = ['AVRecognizer', 'SemiSupervisedAVRecognizer', 'VideoRecognizer']
