"""Hooks of mmavssl (registered in ``HOOKS``)."""
from .ema_teacher import EMATeacherHook

__all__ = ['EMATeacherHook']
