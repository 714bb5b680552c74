"""Fixtures for the data tool tests: tiny real video files with or without audio, and script runners."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import numpy as np
import pytest

from mmavssl.synthetic import write_av_file

ROOT = Path(__file__).resolve().parents[3]


def make_video(path: Path, audio: bool = True, seconds: float = 0.5, freq: float = 440.0) -> Path:
    """Write a 32x32, 8 fps H.264 ``.mp4`` (with a 16 kHz sine when ``audio``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = int(8 * seconds)
    frames = np.random.default_rng(0).integers(0, 255, (n, 32, 32, 3), dtype=np.uint8)
    wav = (0.3 * np.sin(2 * np.pi * freq * np.arange(int(16000 * seconds)) / 16000)).astype(np.float32)
    write_av_file(path, frames, wav if audio else None, fps=8, sample_rate=16000)
    return path


def load_tool(script: str):
    """Import ``tools/data/<script>`` as a module named after the file (spawned workers can re-import it)."""
    path = ROOT / 'tools' / 'data' / script
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def run_tool(capsys: pytest.CaptureFixture) -> Callable[..., SimpleNamespace]:
    """Run ``tools/data/<script>``'s ``main`` in this process; returns ``returncode``, ``stdout``, ``stderr``."""
    def run(script: str, *args: str) -> SimpleNamespace:
        capsys.readouterr()
        code = load_tool(script).main([str(a) for a in args])
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)
    return run


@pytest.fixture
def run_tool_subprocess() -> Callable[..., subprocess.CompletedProcess]:
    """Run ``tools/data/<script>`` as a command line (as users do) in a subprocess."""
    def run(script: str, *args: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        return subprocess.run([sys.executable, str(ROOT / 'tools' / 'data' / script), *map(str, args)],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    return run
