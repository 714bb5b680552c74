"""Helpers shared by the toolbox tests: paths, subprocess environment and toy Runner construction.

Tests import this module after putting ``tests/data`` on ``sys.path`` (which also makes ``toy_components``,
named in the toy configs' ``custom_imports``, importable in-process).
"""
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Dict, Optional, Sequence

import torch
from mmengine.config import Config
from mmengine.runner import Runner

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).resolve().parent
TOY_CONFIG = DATA_DIR / 'configs' / 'toy_iter.py'
PYTHON = sys.executable


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
