"""mmavssl.models.backbones."""
