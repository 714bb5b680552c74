"""mmavssl.visualization.localization: the map over its frame, boxes, PNG writing that keeps existing files."""
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmavssl.visualization import draw_localization, refuse_existing, write_image


def test_overlay_puts_heat_where_the_map_peaks_and_draws_boxes(tmp_path: Path) -> None:
    frame = np.full((32, 48, 3), 128, np.uint8)
    loc_map = np.zeros((4, 6))
    loc_map[0, 0] = 1.0
    image = draw_localization(frame, loc_map, alpha=0.8)
    assert image.shape == frame.shape and image.dtype == np.uint8
    # jet: the peak is red, the minimum blue.
    assert image[0, 0, 0] > image[0, 0, 2] and image[-1, -1, 2] > image[-1, -1, 0]
    boxed = draw_localization(frame, loc_map, boxes=[8, 8, 20, 20], alpha=0.8)
    assert tuple(boxed[8, 12]) == (0, 255, 0) and not np.array_equal(boxed, image)
    path = tmp_path / 'overlay.png'
    write_image(str(path), boxed)
    np.testing.assert_array_equal(cv2.imread(str(path))[:, :, ::-1], boxed)
    with pytest.raises(FileExistsError, match='--overwrite'):
        refuse_existing([str(path), str(tmp_path / 'other.png')], overwrite=False)
    refuse_existing([str(path)], overwrite=True)
    with pytest.raises(OSError, match='could not write'):
        write_image(str(tmp_path / 'missing' / 'x.png'), boxed)
