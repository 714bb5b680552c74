"""Sound-source localisation scores as computed by FNAC / EZ-VSL (``utils.Evaluator``, ``test.py``).

Per sample: the map is upsampled to the frame size, min-max normalised, thresholded at its median (or a
fixed value) and compared with the ground-truth box mask: ``IoU = sum(P * G) / (sum(G) + sum(P * [G == 0]))``.
Over a set: ``cIoU`` = fraction of samples with IoU >= 0.5 (FNAC's "AP50 (cIoU)"), ``AUC`` = trapezoidal area
under the success-rate curve over IoU thresholds 0, 0.05, ..., 1.

Additions for small objects (not in FNAC): the ``'top_ratio'`` threshold keeps a fixed fraction of the frame
(the median predicts half of it, so a source covering a few percent can never reach IoU 0.5), and the pointing
game (:func:`pointing_hit`: is the map's maximum on the source?), which needs no threshold at all.
"""
from typing import Dict, Sequence, Tuple, Union

import numpy as np
from scipy import ndimage
import torch
import torch.nn.functional as F

IOU_THRESHOLDS = np.linspace(0.0, 1.0, 21)


def upsample_map(loc_map: Union[np.ndarray, torch.Tensor], size: Tuple[int, int],
                 mode: str = 'bilinear') -> np.ndarray:
    """Upsample a (h, w) map to ``size`` (FNAC test: bilinear, ``align_corners=True``).

    Args:
        loc_map: (h, w) map.
        size: Output (H, W).
        mode: ``'bilinear'`` or ``'bicubic'`` (align_corners=True) or ``'nearest'``.

    Returns:
        (H, W) float64 array.
    """
    tensor = torch.from_numpy(np.array(loc_map, dtype=np.float64))[None, None]
    corners = True if mode in ('bilinear', 'bicubic') else None
    out = F.interpolate(tensor, size=tuple(int(s) for s in size), mode=mode, align_corners=corners)
    return out[0, 0].numpy()


def normalize_map(loc_map: np.ndarray) -> np.ndarray:
    """Min-max normalise to [0, 1]; a constant map becomes all zeros (no preferred location).

    FNAC's ``normalize_img`` returns a constant map unchanged; here a span below 1e-6 of the magnitude also
    counts as constant (upsampling leaves rounding noise that normalisation would blow up), and zeros make
    such a map score the same whatever its level.

    Args:
        loc_map: (H, W) map.

    Returns:
        (H, W) float64 array.
    """
    loc_map = np.asarray(loc_map, dtype=np.float64)
    span = loc_map.max() - loc_map.min()
    if span <= 1e-6 * max(1.0, float(np.abs(loc_map).max())):
        return np.zeros_like(loc_map)
    return (loc_map - loc_map.min()) / span


def boxes_to_gt_map(boxes: Union[np.ndarray, Sequence[Sequence[float]]], size: Tuple[int, int],
                    gt_format: str = 'union') -> np.ndarray:
    """Ground-truth mask from boxes (FNAC's ``bbox2gtmap``).

    Args:
        boxes: (n, 4) ``x1, y1, x2, y2`` in pixel coordinates of the (H, W) frame, x2/y2 exclusive (cast to
            int, clipped to the frame).
        size: Frame (H, W).
        gt_format: ``'union'`` (VGG-SS: 1 inside any box) or ``'consensus'`` (Flickr-SoundNet: number of
            covering boxes / 2, capped at 1).

    Returns:
        (H, W) float64 mask.
    """
    height, width = size
    gt_map = np.zeros((height, width))
    for x1, y1, x2, y2 in np.asarray(boxes, dtype=np.float64).reshape(-1, 4).astype(int):
        gt_map[max(y1, 0):max(y2, 0), max(x1, 0):max(x2, 0)] += 1
    if gt_format == 'union':
        return (gt_map > 0).astype(np.float64)
    if gt_format == 'consensus':
        return np.minimum(gt_map / 2, 1.0)
    raise ValueError(f"gt_format must be 'union' or 'consensus', got {gt_format!r}")


def binarize_map(loc_map: np.ndarray, threshold: Union[str, float] = 'median', top_ratio: float = 0.05) -> np.ndarray:
    """Predicted mask of a normalised map: ``loc_map >= thr``.

    Args:
        loc_map: (H, W) normalised map.
        threshold: ``'median'`` (FNAC: the value at index ``int(H * W * 0.5)`` of the sorted map),
            ``'top_ratio'`` (the ``ceil(top_ratio * H * W)``-th largest value: about ``top_ratio`` of the frame,
            more on ties; a constant map selects everything) or a float.
        top_ratio: Kept fraction for ``threshold='top_ratio'``, in (0, 1].

    Returns:
        (H, W) float64 0/1 mask.
    """
    if threshold == 'median':
        threshold = np.sort(loc_map.reshape(-1))[int(loc_map.size * 0.5)]
    elif threshold == 'top_ratio':
        if not 0.0 < top_ratio <= 1.0:
            raise ValueError(f'binarize_map: top_ratio must be in (0, 1], got {top_ratio}')
        keep = max(int(np.ceil(top_ratio * loc_map.size)), 1)
        threshold = np.sort(loc_map.reshape(-1))[loc_map.size - keep]
    return (loc_map >= float(threshold)).astype(np.float64)


def mask_iou(pred_mask: np.ndarray, gt_map: np.ndarray) -> float:
    """FNAC's IoU of a 0/1 prediction with a (possibly soft) GT map.

    Args:
        pred_mask: (H, W) 0/1.
        gt_map: (H, W) in [0, 1].

    Returns:
        ``sum(P * G) / (sum(G) + sum(P * [G == 0]))``; 0 when the denominator is 0.
    """
    denominator = gt_map.sum() + (pred_mask * (gt_map == 0)).sum()
    return float((pred_mask * gt_map).sum() / denominator) if denominator > 0 else 0.0


def map_iou(loc_map: Union[np.ndarray, torch.Tensor], boxes: np.ndarray, size: Tuple[int, int],
            threshold: Union[str, float] = 'median', upsample_mode: str = 'bilinear',
            gt_format: str = 'union', top_ratio: float = 0.05) -> float:
    """IoU of one predicted map with its GT boxes (upsample, normalise, threshold, compare).

    Args:
        loc_map: (h, w) raw map.
        boxes: (n, 4) GT boxes in the (H, W) frame, see :func:`boxes_to_gt_map`.
        size: Frame (H, W).
        threshold: See :func:`binarize_map`.
        upsample_mode: See :func:`upsample_map`.
        gt_format: See :func:`boxes_to_gt_map`.
        top_ratio: See :func:`binarize_map`.

    Returns:
        The IoU.
    """
    pred = binarize_map(normalize_map(upsample_map(loc_map, size, upsample_mode)), threshold, top_ratio)
    return mask_iou(pred, boxes_to_gt_map(boxes, size, gt_format))


def summarize_ious(ious: Sequence[float]) -> Dict[str, float]:
    """Set-level scores.

    Args:
        ious: Per-sample IoUs.

    Returns:
        ``{'cIoU': fraction >= 0.5, 'AUC': area under the success curve, 'mIoU': mean IoU}``.
    """
    ious = np.asarray(ious, dtype=np.float64)
    if ious.size == 0:
        raise ValueError('summarize_ious: no samples to evaluate')
    success = np.array([(ious >= t).mean() for t in IOU_THRESHOLDS])
    auc = float(np.sum((success[1:] + success[:-1]) / 2 * np.diff(IOU_THRESHOLDS)))
    return {'cIoU': float((ious >= 0.5).mean()), 'AUC': auc, 'mIoU': float(ious.mean())}


def center_box_mask(size: Tuple[int, int], ratio: float = 0.5) -> np.ndarray:
    """Baseline prediction: a centred box covering ``ratio`` of the height and of the width.

    Args:
        size: Frame (H, W).
        ratio: Side ratio in (0, 1].

    Returns:
        (H, W) float64 0/1 mask.
    """
    height, width = size
    bh, bw = int(round(height * ratio)), int(round(width * ratio))
    top, left = (height - bh) // 2, (width - bw) // 2
    mask = np.zeros((height, width))
    mask[top:top + bh, left:left + bw] = 1
    return mask


def pointing_hit(loc_map: Union[np.ndarray, torch.Tensor], boxes: np.ndarray, size: Tuple[int, int],
                 upsample_mode: str = 'bilinear', tolerance: float = 0.0) -> float:
    """Pointing game (Zhang et al., ECCV 2016): is the maximum of the upsampled map on a GT box?

    A hit is a maximal pixel whose centre lies within ``tolerance`` pixels of a box pixel (Zhang et al. use
    15 px; a map of stride s cannot point more finely than s / 2). Ties count fractionally: the score is the
    share of maximal pixels that hit, so a constant map scores the (dilated) box area over the frame area,
    the expected hit rate of a uniformly random point.

    Args:
        loc_map: (h, w) raw map.
        boxes: (n, 4) GT boxes in the (H, W) frame, see :func:`boxes_to_gt_map`.
        size: Frame (H, W).
        upsample_mode: See :func:`upsample_map`.
        tolerance: Hit radius around the boxes in pixels (Euclidean), >= 0.

    Returns:
        Hit score in [0, 1] (0 or 1 unless the maximum is tied).
    """
    if tolerance < 0:
        raise ValueError(f'pointing_hit: tolerance must be >= 0 pixels, got {tolerance}')
    gt = boxes_to_gt_map(boxes, size, 'union') > 0
    if tolerance > 0 and gt.any():
        gt = ndimage.distance_transform_edt(~gt) <= tolerance
    peak = normalize_map(upsample_map(loc_map, size, upsample_mode))
    maximal = peak >= peak.max()
    return float(gt[maximal].mean())


def center_point_map(size: Tuple[int, int]) -> np.ndarray:
    """Pointing-game baseline: a map whose maximum is the central pixel (the 2 x 2 centre for even sides).

    Args:
        size: Frame (H, W).

    Returns:
        (H, W) float64 map, 1 at the centre, 0 elsewhere.
    """
    height, width = size
    point = np.zeros((height, width))
    point[(height - 1) // 2:height // 2 + 1, (width - 1) // 2:width // 2 + 1] = 1
    return point
