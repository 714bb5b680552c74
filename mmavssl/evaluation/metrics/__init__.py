"""Metrics of mmavssl (registered in ``METRICS``)."""
