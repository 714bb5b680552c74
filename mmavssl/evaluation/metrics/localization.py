"""cIoU / AUC / pointing game of sound-source localisation maps (FNAC / EZ-VSL protocol) as an mmengine metric."""
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
from mmengine.evaluator import BaseMetric

from mmavssl.evaluation.functional import (binarize_map, boxes_to_gt_map, center_box_mask, center_point_map,
                                           map_iou, mask_iou, pointing_hit, summarize_ious)
from mmavssl.registry import METRICS

_BASELINES = ('center', 'uniform')


@METRICS.register_module()
class LocalizationMetric(BaseMetric):
    """Localisation scores of ``FNACLocalizer`` predictions (see :mod:`mmavssl.evaluation.functional`).

    Each data sample must carry ``pred_loc_map`` ((h, w) map, written by ``FNACLocalizer.predict``),
    ``img_shape`` ((H, W) of the frame the model saw) and the metainfo ``gt_boxes``: (n, 4) ``x1, y1, x2, y2``
    boxes in pixel coordinates of that (H, W) frame, x2/y2 exclusive (scale them with any test-time resize).

    Reported: ``cIoU`` (fraction of samples with IoU >= 0.5), ``AUC``, ``mIoU`` and ``pointing`` (pointing-game
    accuracy, see :func:`~mmavssl.evaluation.functional.pointing_hit`), plus the same four for each baseline as
    ``<baseline>/cIoU`` etc.: ``center`` predicts a centred box of ``center_ratio`` of each side (IoU scores) and
    points at the frame centre (pointing), ``uniform`` is a constant map (after FNAC's median threshold: the
    whole frame; pointing: the expected hit rate of a random point).

    Args:
        threshold: ``'median'`` (FNAC/EZ-VSL), ``'top_ratio'`` (keep the top ``top_ratio`` of the pixels, for
            sources much smaller than half the frame) or a float in [0, 1] for the normalised map.
        upsample_mode: Map upsampling (``'bilinear'`` as FNAC's ``test.py``, or ``'bicubic'``).
        gt_format: ``'union'`` (VGG-SS) or ``'consensus'`` (Flickr-SoundNet, several annotators).
        baselines: Any of ``'center'``, ``'uniform'``.
        center_ratio: Side ratio of the centre-box baseline.
        top_ratio: Kept fraction of the frame for ``threshold='top_ratio'``, in (0, 1].
        pointing_tolerance: Pointing-game hit radius around the boxes in pixels (0: on a box pixel).
        collect_device: See ``BaseMetric``.
        prefix: See ``BaseMetric``.
    """

    default_prefix: Optional[str] = 'loc'

    def __init__(self, threshold: Union[str, float] = 'median', upsample_mode: str = 'bilinear',
                 gt_format: str = 'union', baselines: Sequence[str] = _BASELINES, center_ratio: float = 0.5,
                 top_ratio: float = 0.05, pointing_tolerance: float = 0.0, collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        unknown = set(baselines) - set(_BASELINES)
        if unknown:
            raise ValueError(f'LocalizationMetric: unknown baselines {sorted(unknown)}; choose from {_BASELINES}')
        if threshold not in ('median', 'top_ratio') and not 0.0 <= float(threshold) <= 1.0:
            raise ValueError("LocalizationMetric: threshold must be 'median', 'top_ratio' or in [0, 1], "
                             f'got {threshold}')
        if not 0.0 < top_ratio <= 1.0 or pointing_tolerance < 0:
            raise ValueError(f'LocalizationMetric: need 0 < top_ratio <= 1 and pointing_tolerance >= 0, got '
                             f'{top_ratio} and {pointing_tolerance}')
        self.threshold = threshold
        self.upsample_mode = upsample_mode
        self.gt_format = gt_format
        self.baselines = tuple(baselines)
        self.center_ratio = center_ratio
        self.top_ratio = top_ratio
        self.pointing_tolerance = pointing_tolerance

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Score each sample of a batch.

        Args:
            data_batch: Unused (the maps and boxes are in the data samples).
            data_samples: Model outputs as dicts with ``pred_loc_map``, ``img_shape`` and ``gt_boxes``.
        """
        for sample in data_samples:
            for key in ('pred_loc_map', 'gt_boxes', 'img_shape'):
                if key not in sample:
                    raise KeyError(f'LocalizationMetric needs {key!r} in every data sample (sample '
                                   f'{sample.get("sample_idx", "?")}): gt_boxes come from the annotation, '
                                   'pred_loc_map and img_shape from FNACLocalizer in predict mode')
            size = tuple(int(s) for s in sample['img_shape'][:2])
            boxes = np.asarray(sample['gt_boxes'], dtype=np.float64)
            loc_map = sample['pred_loc_map']
            loc_map = loc_map.detach().cpu().float().numpy() if hasattr(loc_map, 'detach') else loc_map
            scores = {'model': self._scores(loc_map, boxes, size)}
            if 'center' in self.baselines:
                iou = mask_iou(center_box_mask(size, self.center_ratio), boxes_to_gt_map(boxes, size, self.gt_format))
                hit = pointing_hit(center_point_map(size), boxes, size, 'nearest', self.pointing_tolerance)
                scores['center'] = (iou, hit)
            if 'uniform' in self.baselines:
                scores['uniform'] = self._scores(np.zeros((1, 1)), boxes, size)
            self.results.append(scores)

    def _scores(self, loc_map: np.ndarray, boxes: np.ndarray, size: tuple) -> tuple:
        """(IoU, pointing hit) of one (h, w) map against (n, 4) boxes in the (H, W) = ``size`` frame."""
        iou = map_iou(loc_map, boxes, size, self.threshold, self.upsample_mode, self.gt_format, self.top_ratio)
        return iou, pointing_hit(loc_map, boxes, size, self.upsample_mode, self.pointing_tolerance)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Aggregate per-sample IoUs.

        Args:
            results: Per-sample ``{'model': (iou, hit), <baseline>: (iou, hit)}``.

        Returns:
            ``cIoU``, ``AUC``, ``mIoU``, ``pointing`` and ``<baseline>/<score>`` entries.
        """
        metrics = {}
        for name in ('model', *self.baselines):
            ious, hits = zip(*(r[name] for r in results))
            scores = dict(summarize_ious(ious), pointing=float(np.mean(hits)))
            metrics.update({(k if name == 'model' else f'{name}/{k}'): v for k, v in scores.items()})
        return metrics
