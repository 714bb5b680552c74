"""Hooks of mmavssl (registered in ``HOOKS``)."""
from .atomic_checkpoint import AtomicCheckpointHook
from .checkpoint_coverage import CheckpointCoverageHook
from .data_model_check import DataModelCheckHook
from .ema_teacher import EMATeacherHook
from .missing_audio import MissingAudioHook
from .nonfinite_guard import NonFiniteGuardHook
from .rng_state import RNGStateHook
from .visualization import AVVisualizationHook

__all__ = ['AtomicCheckpointHook', 'AVVisualizationHook', 'CheckpointCoverageHook', 'DataModelCheckHook',
           'EMATeacherHook', 'MissingAudioHook', 'NonFiniteGuardHook', 'RNGStateHook']
