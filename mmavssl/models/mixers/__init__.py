"""mmavssl.models.mixers."""
