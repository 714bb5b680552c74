"""mmavssl.models.thresholds."""
