"""Compatibility shims for the dependency set pinned in ``requirements/runtime.txt``.

mmaction2 1.2.0's wheel lacks ``mmaction/models/localizers/drn/`` (the upstream folder has no
``__init__.py``, so ``find_packages`` drops it) while ``mmaction/models/localizers/__init__.py`` imports
``from .drn.drn import DRN``. Any import of ``mmaction.models`` then fails, and with it every registry lookup
that falls through to mmaction2's MODELS. Rather than editing site-packages, :func:`patch_mmaction_drn` puts a
placeholder package into ``sys.modules`` whose ``DRN`` raises when constructed. It is skipped when a real
``drn`` folder exists (a source checkout of mmaction2), so it never shadows working code.

The pinned mmcv is mmcv-lite (no compiled ops): every process that imports mmaction2's models gets mmcv's warning
that ``MultiScaleDeformableAttention`` is missing. No mmavssl component uses that op, so
:func:`silence_mmcv_lite_warning` ignores that one warning.
"""
import importlib.util
import sys
import types
import warnings
from pathlib import Path
from typing import Any

_DRN_PACKAGE = 'mmaction.models.localizers.drn'


class _MissingDRN:
    """Placeholder for mmaction2's DRN localizer, which the PyPI wheel does not ship."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise ImportError('mmaction2 1.2.0 from PyPI does not ship mmaction.models.localizers.drn; '
                          'install mmaction2 from a source checkout to use DRN.')


def patch_mmaction_drn() -> bool:
    """Register a placeholder for mmaction2's missing ``drn`` subpackage if, and only if, it is missing.

    Locates mmaction2 with ``find_spec('mmaction')``, which imports no subpackage (asking for the ``drn``
    spec itself would import the failing parent package).

    Returns:
        True when the placeholder was installed, False when mmaction2 is absent, already imported with a
        working ``drn``, or ships the folder.
    """
    if _DRN_PACKAGE in sys.modules:
        return False
    spec = importlib.util.find_spec('mmaction')
    if spec is None or not spec.submodule_search_locations:
        return False
    root = Path(next(iter(spec.submodule_search_locations)))
    if (root / 'models' / 'localizers' / 'drn').is_dir():
        return False
    package = types.ModuleType(_DRN_PACKAGE)
    package.__path__ = []  # a package, so that ``drn.drn`` resolves from sys.modules
    module = types.ModuleType(f'{_DRN_PACKAGE}.drn')
    module.DRN = _MissingDRN
    package.drn = module
    sys.modules[_DRN_PACKAGE] = package
    sys.modules[f'{_DRN_PACKAGE}.drn'] = module
    return True


def silence_mmcv_lite_warning() -> None:
    """Ignore mmcv-lite's ``Fail to import MultiScaleDeformableAttention`` warning (nothing here needs the op)."""
    warnings.filterwarnings('ignore', message='Fail to import ``MultiScaleDeformableAttention``', category=UserWarning)
