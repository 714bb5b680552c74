"""Metrics of mmavssl (registered in ``METRICS``)."""
from .factor_accuracy import FactorAccuracy
from .localization import LocalizationMetric

__all__ = ['FactorAccuracy', 'LocalizationMetric']
