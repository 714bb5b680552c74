"""mmavssl.visualization.mask_figure: token geometry, mixing, mask sampling from a map and the Fig. 3 files."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmavssl.visualization import (backbone_geometry, mix_frames, output_paths, render_panels, sample_mask_figure,
                                   save_mask_figure, upsample_tokens)

ROOT = Path(__file__).resolve().parents[2]


def test_geometry_tokens_and_mixing() -> None:
    assert backbone_geometry(str(ROOT / 'configs/_base_/models/vit_tiny_divided_video.py')) == (16, 64)
    nested = Config(dict(model=dict(recognizer=dict(video_backbone=dict(patch_size=16, img_size=224)))))
    assert backbone_geometry(nested) == (16, 224)
    with pytest.raises(KeyError, match='patch_size'):
        backbone_geometry(Config(dict(model=dict(type='FNACLocalizer'))))
    mask = np.array([[1, 0], [0, 1]], np.float32)
    np.testing.assert_array_equal(upsample_tokens(mask, 2)[:, :2], [[1, 1], [1, 1], [0, 0], [0, 0]])
    a, b = np.full((4, 4, 3), 10, np.uint8), np.full((4, 4, 3), 200, np.uint8)
    mixed = mix_frames(a, mask, 2, b)
    assert mixed[0, 0, 0] == 10 and mixed[0, 3, 0] == 200 and mixed[3, 3, 0] == 10
    assert mix_frames(a, mask, 2)[3, 0, 0] == 128


def _figure(num_samples: int = 255):
    frame = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    loc_map = np.zeros((16, 16), np.float32)
    loc_map[:8, :8] = 1.0  # the sound is in the top-left quarter
    torch.manual_seed(0)
    return sample_mask_figure(frame, loc_map, 16, num_samples)


def test_asl_masks_follow_the_map_tube_masks_do_not() -> None:
    fig = _figure()
    assert fig.tube_masks.shape == fig.asl_masks.shape == (255, 4, 4) and fig.loc_map.shape == (16, 16)
    assert set(np.unique(fig.asl_masks)) == {0.0, 1.0}
    tube, asl = fig.tube_masks.mean(0), fig.asl_masks.mean(0)
    assert abs(tube.mean() - 0.5) < 0.06 and tube.std() < 0.06
    assert asl[:2, :2].mean() > asl[2:, 2:].mean() + 0.3
    with pytest.raises(ValueError, match='tokens'):
        sample_mask_figure(fig.frame[:60], fig.loc_map, 16)
    with pytest.raises(ValueError, match='num_samples'):
        sample_mask_figure(fig.frame, fig.loc_map, 16, 0)


def test_save_writes_every_panel_and_refuses_to_overwrite(tmp_path: Path) -> None:
    fig = _figure(8)
    paths = save_mask_figure(fig, str(tmp_path / 'out'), 'clip', title='clip frame 3')
    assert paths == output_paths(str(tmp_path / 'out'), 'clip') and paths['figure'].endswith('clip_fig3.png')
    panels = render_panels(fig)
    for key, image in panels.items():
        written = cv2.imread(paths[key], cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(written, image if image.ndim == 2 else image[:, :, ::-1])
    keep = panels['tube_mask'] == 255
    np.testing.assert_array_equal(panels['tube_masked'][keep], fig.frame[keep])
    assert (panels['tube_masked'][~keep] == 128).all()
    before = Path(paths['frame']).read_bytes()
    with pytest.raises(FileExistsError, match='--overwrite'):
        save_mask_figure(_figure(4), str(tmp_path / 'out'), 'clip')
    assert Path(paths['frame']).read_bytes() == before
    save_mask_figure(fig, str(tmp_path / 'out'), 'clip', overwrite=True)
