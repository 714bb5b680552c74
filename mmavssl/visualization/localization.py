"""Still images of sound-source maps: a map over its frame with optional boxes, written as PNG without replacing
existing files."""
import os
from typing import Iterable, Optional, Sequence, Union

import cv2
import numpy as np

from mmavssl.evaluation.functional import draw_boxes, overlay_map


def draw_localization(frame: np.ndarray, loc_map: np.ndarray, boxes: Optional[Union[np.ndarray, Sequence]] = None,
                      alpha: float = 0.5) -> np.ndarray:
    """A sound-source map blended over its frame, with ground-truth boxes when given.

    Args:
        frame: (H, W, 3) RGB uint8 frame (any size: the map is upsampled to it).
        loc_map: (h, w) raw map (e.g. ``Localization.maps[i]`` of :func:`mmavssl.apis.localize_video`).
        boxes: ``x1 y1 x2 y2`` pixel boxes, flat or (K, 4).
        alpha: Heat-map opacity.

    Returns:
        (H, W, 3) RGB uint8.
    """
    image = overlay_map(frame, loc_map, alpha=alpha)
    return draw_boxes(image, np.asarray(boxes).reshape(-1, 4)) if boxes is not None else image


def refuse_existing(paths: Iterable[str], overwrite: bool) -> None:
    """Raise before anything is written if an output file exists and ``overwrite`` is False.

    Args:
        paths: Output files.
        overwrite: Allow replacing them.

    Raises:
        FileExistsError: Naming the existing files.
    """
    existing = [p for p in paths if os.path.exists(p)]
    if existing and not overwrite:
        raise FileExistsError(f'{", ".join(existing)} exist(s); pass --overwrite to replace them or choose '
                              'another --out-dir')


def write_image(path: str, image: np.ndarray) -> None:
    """Write an RGB (H, W, 3) or grey (H, W) uint8 image with OpenCV.

    Raises:
        OSError: If OpenCV cannot write the file.
    """
    if not cv2.imwrite(path, image if image.ndim == 2 else image[:, :, ::-1]):
        raise OSError(f'could not write {path}')


__all__ = ['draw_localization', 'refuse_existing', 'write_image']
