"""Complexity functions for the ``--flops`` tests (``'complexity:num_classes'`` with this folder on sys.path)."""
from typing import Dict

from mmengine.config import Config


def num_classes(cfg: Config) -> Dict[str, float]:
    """One column: the model's number of classes (after the entry's overrides)."""
    return {'classes': cfg.model.num_classes}


def needs_missing_module(cfg: Config) -> Dict[str, float]:
    """Fails like a counter whose optional module is not installed."""
    import mmavssl.no_such_counting_module  # noqa: F401
    return {}
