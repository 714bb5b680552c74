"""Loops of mmavssl (registered in ``LOOPS``)."""
from .semi_train_loop import SemiIterBasedTrainLoop

__all__ = ['SemiIterBasedTrainLoop']
