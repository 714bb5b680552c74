"""cIoU / AUC of sound-source localisation maps (FNAC / EZ-VSL protocol) as an mmengine metric."""
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
from mmengine.evaluator import BaseMetric

from mmavssl.evaluation.functional import (boxes_to_gt_map, center_box_mask, map_iou, mask_iou,
                                           summarize_ious)
from mmavssl.registry import METRICS

_BASELINES = ('center', 'uniform')


@METRICS.register_module()
class LocalizationMetric(BaseMetric):
    """Localisation scores of ``FNACLocalizer`` predictions (see :mod:`mmavssl.evaluation.functional`).

    Each data sample must carry ``pred_loc_map`` ((h, w) map, written by ``FNACLocalizer.predict``),
    ``img_shape`` ((H, W) of the frame the model saw) and the metainfo ``gt_boxes``: (n, 4) ``x1, y1, x2, y2``
    boxes in pixel coordinates of that (H, W) frame, x2/y2 exclusive (scale them with any test-time resize).

    Reported: ``cIoU`` (fraction of samples with IoU >= 0.5), ``AUC`` and ``mIoU``, plus the same three for
    each baseline as ``<baseline>/cIoU`` etc.: ``center`` predicts a centred box of ``center_ratio`` of each
    side, ``uniform`` a constant map (after FNAC's median threshold: the whole frame).

    Args:
        threshold: ``'median'`` (FNAC/EZ-VSL) or a float in [0, 1] for the normalised map.
        upsample_mode: Map upsampling (``'bilinear'`` as FNAC's ``test.py``, or ``'bicubic'``).
        gt_format: ``'union'`` (VGG-SS) or ``'consensus'`` (Flickr-SoundNet, several annotators).
        baselines: Any of ``'center'``, ``'uniform'``.
        center_ratio: Side ratio of the centre-box baseline.
        collect_device: See ``BaseMetric``.
        prefix: See ``BaseMetric``.
    """

    default_prefix: Optional[str] = 'loc'

    def __init__(self, threshold: Union[str, float] = 'median', upsample_mode: str = 'bilinear',
                 gt_format: str = 'union', baselines: Sequence[str] = _BASELINES, center_ratio: float = 0.5,
                 collect_device: str = 'cpu', prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        unknown = set(baselines) - set(_BASELINES)
        if unknown:
            raise ValueError(f'LocalizationMetric: unknown baselines {sorted(unknown)}; choose from {_BASELINES}')
        if threshold != 'median' and not 0.0 <= float(threshold) <= 1.0:
            raise ValueError(f"LocalizationMetric: threshold must be 'median' or in [0, 1], got {threshold}")
        self.threshold = threshold
        self.upsample_mode = upsample_mode
        self.gt_format = gt_format
        self.baselines = tuple(baselines)
        self.center_ratio = center_ratio

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
            scores = {'model': map_iou(loc_map, boxes, size, self.threshold, self.upsample_mode, self.gt_format)}
            gt_map = boxes_to_gt_map(boxes, size, self.gt_format)
            if 'center' in self.baselines:
                scores['center'] = mask_iou(center_box_mask(size, self.center_ratio), gt_map)
            if 'uniform' in self.baselines:
                scores['uniform'] = map_iou(np.zeros((1, 1)), boxes, size, self.threshold, self.upsample_mode,
                                            self.gt_format)
            self.results.append(scores)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Aggregate per-sample IoUs.

        Args:
            results: Per-sample ``{'model': iou, <baseline>: iou}``.

        Returns:
            ``cIoU``, ``AUC``, ``mIoU`` and ``<baseline>/<score>`` entries.
        """
        metrics = summarize_ious([r['model'] for r in results])
        for name in self.baselines:
            metrics.update({f'{name}/{k}': v for k, v in summarize_ious([r[name] for r in results]).items()})
        return metrics
