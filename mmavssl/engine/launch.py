"""Config adjustments shared by ``tools/train.py`` and ``tools/test.py`` (kept here so Python users get them):
launchers, AMP, the default work dir, TensorBoard and test-sample drawing.

The two non-obvious ones exist because mmengine 0.10.7 assumes a GPU when a launcher is set:
``_init_dist_pytorch`` calls ``torch.cuda.set_device`` before creating the process group, and
``Runner.wrap_model`` passes ``device_ids=[LOCAL_RANK]`` to DDP, which rejects device ids for CPU modules.
:func:`prepare_launcher` creates the gloo group itself (the Runner then skips ``init_dist``) and asks for a DDP
wrapper without device ids. GPU runs are untouched.
"""
import gc
import importlib.util
import os
from typing import Optional

import torch
import torch.distributed as dist
from mmengine.config import Config


def prepare_launcher(cfg: Config, launcher: str) -> Config:
    """Record the launcher in ``cfg`` and make CPU-only distributed runs work.

    Args:
        cfg: The experiment config (modified in place).
        launcher: ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.

    Returns:
        The same config.
    """
    cfg.launcher = launcher
    if launcher == 'none' or torch.cuda.is_available():
        return cfg
    if launcher != 'pytorch':
        raise ValueError(f'CPU-only distributed runs support launcher="pytorch" (torchrun), got "{launcher}".')
    if not dist.is_initialized():
        # torchrun exports RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT; env:// reads them.
        dist.init_process_group(backend='gloo')
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = 'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or dict(type='MMDistributedDataParallel')
    wrapper.update(device_ids=None, broadcast_buffers=False)
    cfg.model_wrapper_cfg = wrapper
    return cfg


def finish_distributed() -> None:
    """Wait for every rank, then destroy the default process group (a no-op without one).

    Without this, a CPU (gloo) rank that reaches interpreter shutdown while the group still exists can abort
    ("terminate called without an active exception", exit code -6), and torchrun then reports the whole run as
    failed although training finished. Call it only after the work succeeded on this rank: the barrier would
    wait forever for a rank that crashed. Drop the Runner first (``del runner``): a DDP wrapper collected after
    its group was destroyed can abort the same way, so this collects garbage before tearing the group down.
    """
    if dist.is_available() and dist.is_initialized():
        gc.collect()
        dist.barrier()
        dist.destroy_process_group()


def enable_amp(cfg: Config) -> Config:
    """Switch the optimizer wrapper to mixed precision: bf16 where the GPU supports it, else fp16.

    Args:
        cfg: The experiment config (modified in place).

    Returns:
        The same config.

    Raises:
        RuntimeError: If no CUDA device is present (mmengine's AmpOptimWrapper needs one).
        ValueError: If the config uses a custom optimizer wrapper that AMP cannot replace.
    """
    if not torch.cuda.is_available():
        raise RuntimeError('--amp needs a CUDA GPU (mmengine AmpOptimWrapper); run without --amp on CPU.')
    wrapper_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper_type not in ('OptimWrapper', 'AmpOptimWrapper'):
        raise ValueError(f'--amp cannot replace the custom optimizer wrapper "{wrapper_type}".')
    cfg.optim_wrapper.type = 'AmpOptimWrapper'
    bf16 = torch.cuda.is_bf16_supported()
    cfg.optim_wrapper.setdefault('dtype', 'bfloat16' if bf16 else 'float16')
    # bf16 has fp32's exponent range, so it needs no loss scaling; fp16 does.
    cfg.optim_wrapper.setdefault('loss_scale', 1.0 if bf16 else 'dynamic')
    return cfg


def default_work_dir(cfg: Config, config_path: str, work_dir: Optional[str]) -> Config:
    """Set ``cfg.work_dir`` by priority: command line, then config, then ``work_dirs/<config stem>``.

    Args:
        cfg: The experiment config (modified in place).
        config_path: Path of the config file.
        work_dir: The ``--work-dir`` value, if given.

    Returns:
        The same config.
    """
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = os.path.join('work_dirs', os.path.splitext(os.path.basename(config_path))[0])
    return cfg


def _visualizer_cfg(cfg: Config) -> dict:
    """The config's visualizer as a plain dict with a list of backends (LocalVisBackend when it has none)."""
    visualizer = dict(cfg.get('visualizer') or dict(type='Visualizer'))
    visualizer['vis_backends'] = list(visualizer.get('vis_backends') or [dict(type='LocalVisBackend')])
    return visualizer


def enable_tensorboard(cfg: Config) -> Config:
    """Add mmengine's ``TensorboardVisBackend`` to the visualizer: scalars (losses, lr, accuracies,
    ``mask_ratio``, ``pseudo_acc``) then also go to ``<work_dir>/<timestamp>/vis_data/`` as TensorBoard events.

    Args:
        cfg: The experiment config (modified in place).

    Returns:
        The same config.

    Raises:
        ImportError: The ``tensorboard`` package is not installed (``requirements/optional.txt``).
    """
    if importlib.util.find_spec('tensorboard') is None:
        raise ImportError('--tensorboard needs the tensorboard package: pip install -r requirements/optional.txt '
                          '(or pip install tensorboard)')
    visualizer = _visualizer_cfg(cfg)
    if not any(backend.get('type') == 'TensorboardVisBackend' for backend in visualizer['vis_backends']):
        visualizer['vis_backends'].append(dict(type='TensorboardVisBackend'))
    cfg.visualizer = visualizer
    return cfg


def enable_visualization(cfg: Config, show_dir: Optional[str] = None, show: bool = False,
                         interval: int = 1) -> Config:
    """Draw test samples: the ``AVVisualizer`` (keeping the config's backends) and an enabled
    ``AVVisualizationHook`` in ``default_hooks.visualization``.

    Args:
        cfg: The experiment config (modified in place).
        show_dir: Folder of one PNG per drawn sample (must be empty or new); None: the visualizer's backends.
        show: Show every image in a window.
        interval: Draw every ``interval``-th sample.

    Returns:
        The same config.
    """
    cfg.visualizer = dict(_visualizer_cfg(cfg), type='AVVisualizer')
    hooks = dict(cfg.get('default_hooks') or {})
    hooks['visualization'] = dict(type='AVVisualizationHook', enable=True, out_dir=show_dir, show=show,
                                  interval=interval)
    cfg.default_hooks = hooks
    return cfg
