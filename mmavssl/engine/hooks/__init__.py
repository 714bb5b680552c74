"""Hooks of mmavssl (registered in ``HOOKS``)."""
from .ema_teacher import EMATeacherHook
from .rng_state import RNGStateHook
from .visualization import AVVisualizationHook

__all__ = ['AVVisualizationHook', 'EMATeacherHook', 'RNGStateHook']
