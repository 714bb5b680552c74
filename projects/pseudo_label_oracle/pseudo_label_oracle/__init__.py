"""An upper-bound diagnostic: semi-supervised training that uses only the pseudo labels of annotated clips."""
from .annotation_filter import AnnotationFilterThreshold

__all__ = ['AnnotationFilterThreshold']
