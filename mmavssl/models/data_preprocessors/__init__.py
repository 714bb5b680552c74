"""mmavssl.models.data_preprocessors."""
