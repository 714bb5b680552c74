"""Example downstream plugin for mmavssl: importing it registers its components in mmavssl's registries."""
from .loss_history_hook import LossHistoryHook

__all__ = ['LossHistoryHook']
