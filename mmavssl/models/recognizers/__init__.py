"""mmavssl.models.recognizers."""
from .semi_av import SemiSupervisedAVRecognizer

__all__ = ['SemiSupervisedAVRecognizer']
