"""Datasets, samplers and transforms of mmavssl."""
from . import transforms  # noqa: F401
