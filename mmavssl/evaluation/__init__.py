"""Evaluation of mmavssl; top-k accuracy comes from mmaction2's ``AccMetric``."""
from . import metrics  # noqa: F401
