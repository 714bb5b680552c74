"""High-level helpers: build a model from a config, load a checkpoint, predict."""
