"""Functional helpers of the metrics and visualisation (numpy in, numbers/images out)."""
from .localization import (IOU_THRESHOLDS, binarize_map, boxes_to_gt_map, center_box_mask, center_point_map,
                           map_iou, mask_iou, normalize_map, pointing_hit, summarize_ious, upsample_map)
from .pseudo_label import GroupQuality, ThresholdRow, threshold_quality
from .visualize import draw_boxes, overlay_map

__all__ = ['IOU_THRESHOLDS', 'binarize_map', 'boxes_to_gt_map', 'center_box_mask', 'center_point_map',
           'draw_boxes', 'GroupQuality', 'map_iou', 'mask_iou', 'normalize_map', 'overlay_map', 'pointing_hit',
           'summarize_ious', 'threshold_quality', 'ThresholdRow', 'upsample_map']
