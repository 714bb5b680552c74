"""mmavssl.models.recognizers."""
