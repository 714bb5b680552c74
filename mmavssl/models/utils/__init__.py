"""Helpers shared by model components (weight conversion, FLOP counting)."""
