"""mmavssl.models.localizers."""
