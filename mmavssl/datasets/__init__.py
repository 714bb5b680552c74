"""Datasets, samplers and transforms of mmavssl."""
from . import transforms  # noqa: F401
from . import splits, synthetic  # noqa: F401
