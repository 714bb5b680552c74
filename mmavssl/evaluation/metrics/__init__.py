"""Metrics of mmavssl (registered in ``METRICS``)."""
from .localization import LocalizationMetric

__all__ = ['LocalizationMetric']
