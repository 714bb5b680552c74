"""Pseudo-label confidence thresholds: fixed (FixMatch), FlexMatch, FreeMatch, class-balanced selection."""
from .base import BaseThreshold
from .class_balanced import ClassBalancedThreshold
from .fixed import FixedThreshold
from .flexmatch import FlexMatchThreshold
from .freematch import FreeMatchThreshold

__all__ = ['BaseThreshold', 'ClassBalancedThreshold', 'FixedThreshold', 'FlexMatchThreshold', 'FreeMatchThreshold']
