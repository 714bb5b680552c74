"""Classification heads."""
from .fusion_head import FusionHead
from .linear_head import LinearClsHead

__all__ = ['FusionHead', 'LinearClsHead']
