"""mmavssl.models.heads."""
