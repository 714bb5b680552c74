"""Utilities shared by every layer of mmavssl."""
from .atomic_io import AtomicLocalBackend, atomic_write
from .checkpoint import SAFE_GLOBALS, install_checkpoint_support, is_trusted, safe_torch_load, trust_checkpoint
from .compat import patch_mmaction_drn, silence_mmcv_lite_warning

__all__ = ['AtomicLocalBackend', 'SAFE_GLOBALS', 'atomic_write', 'install_checkpoint_support', 'is_trusted',
           'patch_mmaction_drn', 'safe_torch_load', 'silence_mmcv_lite_warning', 'trust_checkpoint']
