"""Evaluation of mmavssl; top-k accuracy comes from mmaction2's ``AccMetric``."""
from . import functional, metrics  # noqa: F401
