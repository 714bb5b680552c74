"""Hooks of mmavssl (registered in ``HOOKS``)."""
