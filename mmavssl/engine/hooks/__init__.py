"""Hooks of mmavssl (registered in ``HOOKS``)."""
from .ema_teacher import EMATeacherHook
from .rng_state import RNGStateHook

__all__ = ['EMATeacherHook', 'RNGStateHook']
