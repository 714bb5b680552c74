"""Helpers shared by the toolbox tests: paths, scripts as modules, subprocess environment and toy Runner
construction.

``pytest.ini`` puts ``tests/data`` on ``sys.path`` (``pythonpath``), so tests import this module and
``toy_components`` (named in the toy configs' ``custom_imports``) by name.
"""
import importlib.util
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Dict, Optional, Sequence

import torch
from mmengine.config import Config
from mmengine.runner import Runner

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).resolve().parent
TOY_CONFIG = DATA_DIR / 'configs' / 'toy_iter.py'
PYTHON = sys.executable


def load_script(relpath: str, name: Optional[str] = None) -> ModuleType:
    """Import a script of the repository (``tools/analysis/<x>.py``, ``demo/demo.py``), which is not a package.

    Args:
        relpath: The script's path relative to the repository root.
        name: Module name; the file's stem by default.
    """
    path = REPO_ROOT / relpath
    spec = importlib.util.spec_from_file_location(name or path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def subprocess_env(*extra_paths: os.PathLike) -> Dict[str, str]:
    """Environment for a child python: this checkout's mmavssl and ``tests/data`` first on PYTHONPATH.

    Args:
        *extra_paths: More directories to put on PYTHONPATH (after the repository root and ``tests/data``).

    Returns:
        A copy of ``os.environ`` with PYTHONPATH, offline hubs and one thread per process.
    """
    env = dict(os.environ)
    paths = [str(REPO_ROOT), str(DATA_DIR), *map(str, extra_paths)]
    env['PYTHONPATH'] = os.pathsep.join(paths + ([env['PYTHONPATH']] if env.get('PYTHONPATH') else []))
    env.update(HF_HUB_OFFLINE='1', OMP_NUM_THREADS='1', PYTHON=PYTHON)
    return env


def run_python(args: Sequence[str], cwd: os.PathLike, timeout: float = 120,
               env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    """Run ``python ARGS`` with :func:`subprocess_env` and capture its output as text.

    Args:
        args: Arguments after the interpreter, e.g. ``['tools/train.py', CONFIG]``.
        cwd: Working directory of the child.
        timeout: Seconds before the child is killed.
        env: Environment; :func:`subprocess_env` when None.

    Returns:
        The finished process (the caller checks ``returncode``).
    """
    return subprocess.run([PYTHON, *map(str, args)], cwd=cwd, env=env or subprocess_env(), timeout=timeout,
                          capture_output=True, text=True)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago (for torchrun's rendezvous)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def toy_runner(work_dir: os.PathLike, options: Optional[dict] = None, config: os.PathLike = TOY_CONFIG) -> Runner:
    """Build a Runner for a toy config in ``work_dir`` with ``options`` merged in (as ``--cfg-options``).

    Every Runner gets its own experiment name, so runners built within the same second do not share a logger.

    Args:
        work_dir: Work directory of the run.
        options: Dotted config keys and values, e.g. ``{'train_cfg.max_iters': 6}``.
        config: Config file.

    Returns:
        The Runner (not yet trained).
    """
    torch.set_num_threads(1)
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(options or {})
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'toy_{uuid.uuid4().hex}'
    return Runner.from_cfg(cfg)


def runner_log(runner: Runner) -> str:
    """Return the text of the log file a Runner wrote so far."""
    return (Path(runner.log_dir) / f'{runner.timestamp}.log').read_text()


def tiny_synthetic_set(root: os.PathLike) -> Path:
    """Generate a synthetic set with the 4 paired classes of ``configs/synthetic/`` and 4 clips each, 32^2 pixels.

    Args:
        root: Dataset folder (created; an identical finished set there is reused).

    Returns:
        ``root`` as a Path (2 training clips per class, 1 labeled; 1 validation and 1 test clip per class).
    """
    from mmavssl.synthetic import BENCHMARK_PRESET, SyntheticAVConfig, generate_dataset

    # every clip sounds with its class's timbre: with 2 training clips per class an ambiguous draw could leave a
    # class without a clean labeled exemplar
    params = dict(BENCHMARK_PRESET, ambiguous_sound=0.0, train_per_class=2, val_per_class=1, test_per_class=1,
                  width=32, height=32, shots=(1,), num_distractors=1)
    generate_dataset(str(root), SyntheticAVConfig(**params))
    return Path(root)


def _relocate(node, root: str):
    """Copy of a config node with the synthetic benchmark's ``data/synthetic_av_bench/`` prefix of every string
    replaced by ``root``."""
    if isinstance(node, dict):
        return type(node)({k: _relocate(v, root) for k, v in node.items()})
    if isinstance(node, (list, tuple)):
        return type(node)(_relocate(v, root) for v in node)
    prefix = 'data/synthetic_av_bench/'
    if isinstance(node, str) and node.startswith(prefix):
        return root + node[len(prefix):]
    return node


def synthetic_config(config: os.PathLike, root: os.PathLike, work_dir: Optional[os.PathLike] = None,
                     max_iters: int = 2) -> Config:
    """A ``configs/synthetic/`` config on the set at ``root``: no workers, ``max_iters`` training iterations,
    no validation, one checkpoint at the end.

    Args:
        config: Config file.
        root: Folder of :func:`tiny_synthetic_set`.
        work_dir: Work directory (set when given).
        max_iters: Training iterations.

    Returns:
        The config (dump it to use it from a command line).
    """
    cfg = Config.fromfile(str(config))
    cfg = Config(_relocate(cfg.to_dict(), str(root).rstrip('/') + '/'), filename=str(config))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].update(num_workers=0, persistent_workers=False)
    cfg.train_cfg.update(max_iters=max_iters, val_interval=max_iters + 1)
    cfg.default_hooks.checkpoint.update(interval=max_iters, save_best=None)
    threshold = cfg.model.get('threshold')
    if isinstance(threshold, dict) and 'num_unlabeled' in threshold:
        unlabeled = cfg.train_dataloader.dataset.datasets[1].ann_file
        threshold['num_unlabeled'] = len(Path(unlabeled).read_text().splitlines())
    # The encoders start from scratch: the source-set pretraining checkpoint the configs name is not made here.
    for key in ('video_backbone', 'audio_backbone'):
        if isinstance(cfg.model.get(key), dict):
            cfg.model[key]['init_cfg'] = None
    cfg.log_level = 'WARNING'
    cfg.experiment_name = f'tiny_{uuid.uuid4().hex}'
    if work_dir is not None:
        cfg.work_dir = str(work_dir)
    return cfg


def train_tiny(cfg: Config) -> Path:
    """Train a :func:`synthetic_config` config with mmengine's Runner (``cfg.work_dir`` must be set).

    Returns:
        The checkpoint of the last iteration.
    """
    torch.set_num_threads(1)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return Path(cfg.work_dir) / f'iter_{cfg.train_cfg.max_iters}.pth'
