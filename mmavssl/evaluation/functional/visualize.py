"""Drawing of localisation maps and boxes on frames (RGB uint8 arrays)."""
from typing import Sequence, Tuple, Union

import cv2
import numpy as np
import torch

from .localization import normalize_map, upsample_map


def overlay_map(frame: np.ndarray, loc_map: Union[np.ndarray, torch.Tensor], alpha: float = 0.5,
                upsample_mode: str = 'bilinear') -> np.ndarray:
    """Blend a jet-coloured, min-max normalised map over a frame.

    Args:
        frame: (H, W, 3) RGB uint8.
        loc_map: (h, w) raw map; upsampled to (H, W).
        alpha: Weight of the heat map (FNAC's visualisations use 0.8).
        upsample_mode: See :func:`upsample_map`.

    Returns:
        (H, W, 3) RGB uint8.
    """
    if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
        raise ValueError(f'overlay_map expects an (H, W, 3) uint8 frame, got {frame.shape} {frame.dtype}')
    heat = normalize_map(upsample_map(loc_map, frame.shape[:2], upsample_mode))
    heat = np.clip(heat, 0.0, 1.0)
    colour = cv2.applyColorMap(np.uint8(heat * 255), cv2.COLORMAP_JET)[:, :, ::-1]
    return cv2.addWeighted(colour, alpha, frame, 1.0 - alpha, 0)


def draw_boxes(image: np.ndarray, boxes: Union[np.ndarray, Sequence[Sequence[float]]],
               color: Tuple[int, int, int] = (0, 255, 0), thickness: int = 2) -> np.ndarray:
    """Draw ``x1, y1, x2, y2`` pixel boxes on a copy of an RGB image.

    Args:
        image: (H, W, 3) uint8.
        boxes: (n, 4) boxes.
        color: RGB colour.
        thickness: Line width in pixels.

    Returns:
        (H, W, 3) uint8 copy with the boxes.
    """
    out = np.ascontiguousarray(image).copy()
    for x1, y1, x2, y2 in np.asarray(boxes, dtype=np.float64).reshape(-1, 4).astype(int):
        cv2.rectangle(out, (int(x1), int(y1)), (int(x2) - 1, int(y2) - 1), color, thickness)
    return out
