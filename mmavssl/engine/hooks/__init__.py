"""Hooks of mmavssl (registered in ``HOOKS``)."""
from .atomic_checkpoint import AtomicCheckpointHook
from .checkpoint_coverage import CheckpointCoverageHook
from .ema_teacher import EMATeacherHook
from .missing_audio import MissingAudioHook
from .nonfinite_guard import NonFiniteGuardHook
from .rng_state import RNGStateHook

__all__ = ['AtomicCheckpointHook', 'CheckpointCoverageHook', 'EMATeacherHook', 'MissingAudioHook',
           'NonFiniteGuardHook', 'RNGStateHook']
