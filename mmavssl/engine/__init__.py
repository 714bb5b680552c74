"""Training-loop machinery of mmavssl: hooks, loops and launch helpers."""
from . import hooks, runner  # noqa: F401
from .launch import (default_work_dir, enable_amp, enable_tensorboard, enable_visualization, finish_distributed,
                     prepare_launcher)

__all__ = ['default_work_dir', 'enable_amp', 'enable_tensorboard', 'enable_visualization', 'finish_distributed',
           'prepare_launcher']
