"""Pseudo-label confidence thresholds: fixed (FixMatch), FlexMatch, FreeMatch."""
from .base import BaseThreshold
from .fixed import FixedThreshold
from .flexmatch import FlexMatchThreshold
from .freematch import FreeMatchThreshold

__all__ = ['BaseThreshold', 'FixedThreshold', 'FlexMatchThreshold', 'FreeMatchThreshold']
