"""tools/test.py --show-dir / --show / --tensorboard with the AVVisualizer on a tiny trained checkpoint."""
import importlib.util
import os
from pathlib import Path

import cv2
import pytest
from mmengine.config import Config

from toolbox_testing import REPO_ROOT, run_python, subprocess_env

from mmavssl.engine import enable_tensorboard, enable_visualization  # noqa: E402

HAS_TENSORBOARD = importlib.util.find_spec('tensorboard') is not None


@pytest.fixture(scope='module')
def av_run(tiny_checkpoints: dict, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """The supervised AV config as a file and its checkpoint."""
    cfg, checkpoint = tiny_checkpoints['supervised_av']
    path = tmp_path_factory.mktemp('show_cfg') / 'supervised_av.py'
    cfg.dump(str(path))
    return path, checkpoint


def test_show_dir_writes_one_image_per_test_sample(av_run: tuple, tiny_synthetic_root: Path,
                                                   tmp_path: Path) -> None:
    config, checkpoint = av_run
    show_dir = tmp_path / 'vis'
    done = run_python(['tools/test.py', config, checkpoint, '--work-dir', tmp_path / 'work', '--show-dir',
                       show_dir], cwd=REPO_ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    videos = [line.split()[0] for line in (tiny_synthetic_root / 'test.txt').read_text().splitlines()]
    images = sorted(show_dir.glob('*.png'))
    assert [p.name for p in images] == [f'{i:06d}_{Path(v).stem}.png' for i, v in enumerate(videos)]
    image = cv2.imread(str(images[0]))
    # Two test clips of 64 x 64 frames drawn 128 pixels high side by side, the fbank and a text panel below.
    assert image.shape[1] == 256 and image.shape[0] > 2 * 128
    again = run_python(['tools/test.py', config, checkpoint, '--show-dir', show_dir], cwd=REPO_ROOT)
    assert again.returncode == 2 and 'is not empty' in again.stderr


def test_show_needs_a_display(av_run: tuple) -> None:
    env = {k: v for k, v in subprocess_env().items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
    done = run_python(['tools/test.py', *av_run, '--show'], cwd=REPO_ROOT, env=env)
    assert done.returncode == 2 and '--show needs a display' in done.stderr


def test_visualization_and_tensorboard_switches_edit_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = Config.fromfile(str(REPO_ROOT / 'configs' / 'synthetic' / 'supervised_av.py'))
    enable_visualization(cfg, 'vis', interval=2)
    assert cfg.visualizer.type == 'AVVisualizer'
    assert cfg.visualizer.vis_backends == [dict(type='LocalVisBackend')]
    assert cfg.default_hooks.visualization == dict(type='AVVisualizationHook', enable=True, out_dir='vis',
                                                   show=False, interval=2)
    if HAS_TENSORBOARD:
        enable_tensorboard(enable_tensorboard(cfg))
        assert [b['type'] for b in cfg.visualizer.vis_backends] == ['LocalVisBackend', 'TensorboardVisBackend']
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name: None)
    with pytest.raises(ImportError, match='requirements/optional.txt'):
        enable_tensorboard(cfg)


@pytest.mark.skipif(not HAS_TENSORBOARD, reason='tensorboard is not installed (requirements/optional.txt)')
def test_train_with_tensorboard_writes_events(av_run: tuple, tmp_path: Path) -> None:
    config, _ = av_run
    done = run_python(['tools/train.py', config, '--work-dir', tmp_path, '--tensorboard', '--cfg-options',
                       'train_cfg.max_iters=1', 'default_hooks.logger.interval=1'], cwd=REPO_ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert list(tmp_path.glob('*/vis_data/events.out.tfevents.*'))
