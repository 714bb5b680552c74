"""Models of mmavssl: importing this package registers every model component in ``MODELS``."""
from . import (backbones, data_preprocessors, heads, localizers, losses, mixers,  # noqa: F401
               recognizers, thresholds, utils)
