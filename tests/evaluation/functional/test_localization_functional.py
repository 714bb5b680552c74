"""FNAC-protocol IoU / cIoU / AUC on hand-made maps and boxes."""
import numpy as np
import pytest

from mmavssl.evaluation.functional import (binarize_map, boxes_to_gt_map, center_box_mask, center_point_map,
                                           map_iou, normalize_map, pointing_hit, summarize_ious, upsample_map)

# Top two rows hold the 8 largest values: the median threshold keeps exactly those rows.
TOP_HEAVY = np.arange(16, dtype=np.float64)[::-1].reshape(4, 4)


def test_median_threshold_and_iou():
    assert binarize_map(normalize_map(TOP_HEAVY)).tolist() == [[1] * 4] * 2 + [[0] * 4] * 2
    assert map_iou(TOP_HEAVY, [[0, 0, 4, 2]], (4, 4)) == pytest.approx(1.0)
    assert map_iou(TOP_HEAVY, [[0, 0, 2, 2]], (4, 4)) == pytest.approx(4 / 8)
    assert map_iou(TOP_HEAVY, [[0, 2, 4, 4]], (4, 4)) == 0.0
    assert map_iou(TOP_HEAVY, [[0, 0, 2, 2]], (4, 4), threshold=0.9) == pytest.approx(2 / 4)


def test_upsample_and_normalise():
    up = upsample_map(np.array([[0.0, 1.0], [0.0, 1.0]]), (3, 5))
    assert up.shape == (3, 5) and up[0, 0] == 0 and up[0, -1] == 1 and up[1, 2] == pytest.approx(0.5)
    constant = np.full((2, 2), 3.0)
    assert not normalize_map(constant).any()
    # A constant map passes the median threshold everywhere: it predicts the whole frame.
    assert map_iou(constant, [[0, 0, 2, 2]], (4, 4)) == pytest.approx(4 / 16)


def test_gt_formats():
    boxes = [[0, 0, 2, 2], [1, 1, 3, 3]]
    union = boxes_to_gt_map(boxes, (4, 4))
    assert union.sum() == 7 and union.max() == 1
    consensus = boxes_to_gt_map(boxes, (4, 4), 'consensus')
    assert consensus[1, 1] == 1.0 and consensus[0, 0] == 0.5 and consensus.sum() == 4.0
    with pytest.raises(ValueError, match='gt_format'):
        boxes_to_gt_map(boxes, (4, 4), 'max')


def test_summary_scores():
    scores = summarize_ious([1.0, 0.5, 0.0])
    assert scores['cIoU'] == pytest.approx(2 / 3)
    assert scores['mIoU'] == pytest.approx(0.5)
    # success curve: 1 at 0, 2/3 on (0, 0.5], 1/3 on (0.5, 1]; trapezoids with 0.05 steps.
    expected = (1 + 2 / 3) / 2 * 0.05 + 2 / 3 * 0.45 + (2 / 3 + 1 / 3) / 2 * 0.05 + 1 / 3 * 0.45
    assert scores['AUC'] == pytest.approx(expected)
    assert summarize_ious([1.0, 1.0])['AUC'] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        summarize_ious([])


def test_center_box():
    mask = center_box_mask((4, 4), 0.5)
    assert mask.sum() == 4 and mask[1:3, 1:3].all()


def test_top_ratio_threshold():
    top = normalize_map(TOP_HEAVY)
    assert binarize_map(top, 'top_ratio', 0.25).tolist() == [[1] * 4] + [[0] * 4] * 3
    # ceil(0.2 * 16) = 4 pixels, ceil(0.1 * 16) = 2 pixels.
    assert binarize_map(top, 'top_ratio', 0.2).sum() == 4
    assert binarize_map(top, 'top_ratio', 0.1).tolist()[0] == [1, 1, 0, 0]
    assert map_iou(TOP_HEAVY, [[0, 0, 4, 1]], (4, 4), threshold='top_ratio', top_ratio=0.25) == pytest.approx(1.0)
    # A 2 x 2 source: the median can reach at most 4 / 8, the top quarter 2 / (4 + 2).
    assert map_iou(TOP_HEAVY, [[0, 0, 2, 2]], (4, 4), threshold='top_ratio', top_ratio=0.25) == pytest.approx(2 / 6)
    # A constant map keeps every pixel (ties).
    assert binarize_map(np.zeros((4, 4)), 'top_ratio', 0.1).all()
    with pytest.raises(ValueError, match='top_ratio'):
        binarize_map(top, 'top_ratio', 0.0)


def test_pointing_game():
    # TOP_HEAVY peaks at pixel (row 0, col 0).
    assert pointing_hit(TOP_HEAVY, [[0, 0, 1, 1]], (4, 4)) == 1.0
    assert pointing_hit(TOP_HEAVY, [[2, 2, 4, 4]], (4, 4)) == 0.0
    # Box two columns to the right of the peak: a hit only with a tolerance of at least 2 px.
    assert pointing_hit(TOP_HEAVY, [[2, 0, 4, 1]], (4, 4), tolerance=1.9) == 0.0
    assert pointing_hit(TOP_HEAVY, [[2, 0, 4, 1]], (4, 4), tolerance=2.0) == 1.0
    # Ties score fractionally: two maxima, one on the box; a constant map scores the box area fraction.
    two_peaks = np.zeros((4, 4))
    two_peaks[0, 0] = two_peaks[3, 3] = 1
    assert pointing_hit(two_peaks, [[0, 0, 1, 1]], (4, 4), upsample_mode='nearest') == pytest.approx(0.5)
    assert pointing_hit(np.ones((2, 2)), [[0, 0, 2, 2]], (4, 4)) == pytest.approx(4 / 16)
    with pytest.raises(ValueError, match='tolerance'):
        pointing_hit(TOP_HEAVY, [[0, 0, 1, 1]], (4, 4), tolerance=-1)


def test_center_point_map():
    assert np.argwhere(center_point_map((5, 5))).tolist() == [[2, 2]]
    assert np.argwhere(center_point_map((4, 6))).tolist() == [[1, 2], [1, 3], [2, 2], [2, 3]]
