"""mmavssl.models.recognizers."""
from .av_recognizer import AVRecognizer
from .video_recognizer import VideoRecognizer

__all__ = ['AVRecognizer', 'VideoRecognizer']
