"""A semi-supervised term that teaches the fusion head to follow the frames when the sound names nothing."""
from .sound_swap_recognizer import SoundSwapAVRecognizer

__all__ = ['SoundSwapAVRecognizer']
