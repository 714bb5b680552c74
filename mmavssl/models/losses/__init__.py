"""mmavssl.models.losses."""
