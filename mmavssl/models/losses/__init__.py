"""mmavssl.models.losses."""
from .fnac import FNACLoss

__all__ = ['FNACLoss']
