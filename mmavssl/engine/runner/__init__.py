"""Loops of mmavssl (registered in ``LOOPS``)."""
