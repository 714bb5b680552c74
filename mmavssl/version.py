"""Version of mmavssl."""
__version__ = '0.1.0'
