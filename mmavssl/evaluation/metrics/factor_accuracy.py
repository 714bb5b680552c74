"""Accuracy per factor of a factorised label space (e.g. shape and timbre of the synthetic set)."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mmavssl.registry import METRICS
from ..functional.paired import factor_labels


@METRICS.register_module()
class FactorAccuracy(BaseMetric):
    """Top-1 accuracy of each factor when a class is a tuple of factors.

    On the synthetic set a class is (shape of the sounding object, timbre): the shape comes from the video, the
    timbre from the audio, so the two accuracies show which modality a model (or the unlabeled clips) taught.
    A prediction counts for a factor when its factor equals the ground truth's, whatever the other factors.

    Args:
        factor_sizes: Size of each factor, label ``= f_0 * prod(sizes[1:]) + ... + f_last``.
        factor_names: A name per factor (metric keys ``<prefix>/<name>``).
        collect_device: ``'cpu'`` or ``'gpu'``.
        prefix: Metric key prefix (default ``'factor'``).
    """

    default_prefix = 'factor'

    def __init__(self, factor_sizes: Sequence[int], factor_names: Sequence[str], collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if len(factor_sizes) != len(factor_names) or not factor_sizes or min(factor_sizes) < 1:
            raise ValueError(f'FactorAccuracy needs one positive size per name, got sizes {factor_sizes} and '
                             f'names {factor_names}')
        self.factor_sizes = tuple(int(s) for s in factor_sizes)
        self.factor_names = tuple(factor_names)

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Store (predicted, true) labels of a batch.

        Args:
            data_batch: Unused.
            data_samples: Outputs with ``pred_score`` (K,) and ``gt_label``.
        """
        for sample in data_samples:
            score = sample['pred_score']
            pred = int(score.argmax()) if hasattr(score, 'argmax') else int(np.argmax(score))
            gt = sample['gt_label']
            self.results.append((pred, int(gt.item() if hasattr(gt, 'item') else gt)))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """Accuracy per factor.

        Args:
            results: (pred, gt) pairs of every sample.

        Returns:
            ``{name: accuracy}`` for each factor.
        """
        pred, gt = np.array([r[0] for r in results]), np.array([r[1] for r in results])
        fp, fg = factor_labels(pred, self.factor_sizes), factor_labels(gt, self.factor_sizes)
        return {name: float((fp[:, i] == fg[:, i]).mean()) for i, name in enumerate(self.factor_names)}
