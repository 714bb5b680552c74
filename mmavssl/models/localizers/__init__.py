"""mmavssl.models.localizers."""
from .fnac import FNACLocalizer, fnac_state_dict

__all__ = ['FNACLocalizer', 'fnac_state_dict']
