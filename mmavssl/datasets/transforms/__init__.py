"""Audio-visual transforms (registered in ``TRANSFORMS``)."""
