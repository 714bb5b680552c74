"""Shared pytest setup: offline model hubs, small thread pools, GPU-marked tests skipped without a GPU, and
session fixtures of tiny trained models on a tiny synthetic set."""
import os
from pathlib import Path
from typing import Dict

os.environ.setdefault('HF_HUB_OFFLINE', '1')

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(min(2, os.cpu_count() or 1))

from toolbox_testing import REPO_ROOT, synthetic_config, tiny_synthetic_set, train_tiny  # noqa: E402


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    """Skip tests marked ``gpu`` when no CUDA device is present."""
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason='needs a CUDA GPU')
    for item in items:
        if 'gpu' in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope='session')
def tiny_synthetic_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4-class synthetic set of 4 clips per class (``toolbox_testing.tiny_synthetic_set``)."""
    return tiny_synthetic_set(tmp_path_factory.mktemp('synthetic_av'))


@pytest.fixture(scope='session')
def tiny_checkpoints(tiny_synthetic_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Dict[str, tuple]:
    """``(config, 2-iteration checkpoint)`` of the supervised AV, video-only and ASL semi-supervised configs of
    ``configs/synthetic/`` on :func:`tiny_synthetic_root`, keyed by config name."""
    out = {}
    for name in ('supervised_av', 'supervised_video', 'asl_1shot'):
        cfg = synthetic_config(REPO_ROOT / 'configs' / 'synthetic' / f'{name}.py', tiny_synthetic_root,
                               tmp_path_factory.mktemp(name))
        out[name] = (cfg, train_tiny(cfg))
    return out


@pytest.fixture(scope='session')
def tiny_test_clip(tiny_synthetic_root: Path) -> Path:
    """The first video of :func:`tiny_synthetic_root`'s ``test.txt`` (2.5 s, 30 frames, 16 kHz mono AAC)."""
    return tiny_synthetic_root / (tiny_synthetic_root / 'test.txt').read_text().split()[0]
