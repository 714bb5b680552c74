"""mmavssl: semi-supervised audio-visual video action recognition on mmengine.

Importing the package installs the two compatibility measures every entry point needs (see
:mod:`mmavssl.utils.compat` and :mod:`mmavssl.utils.checkpoint`); components register lazily through the
``locations`` of :mod:`mmavssl.registry`.
"""
from .utils.checkpoint import install_checkpoint_support
from .utils.compat import patch_mmaction_drn
from .version import __version__

patch_mmaction_drn()
install_checkpoint_support()

__all__ = ['__version__']
