"""Metrics of mmavssl (registered in ``METRICS``)."""
from .factor_accuracy import FactorAccuracy
from .localization import LocalizationMetric
from .subset_accuracy import SubsetAccuracy

__all__ = ['FactorAccuracy', 'LocalizationMetric', 'SubsetAccuracy']
