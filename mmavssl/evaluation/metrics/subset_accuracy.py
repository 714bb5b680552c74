"""Top-1 accuracy on subsets of the test clips named by a per-clip flag of the dataset's ground truth."""
import json
import os
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mmavssl.registry import METRICS


@METRICS.register_module()
class SubsetAccuracy(BaseMetric):
    """Top-1 accuracy on the clips where a ground-truth flag is true and on those where it is false.

    On the synthetic benchmark half the clips sound with a class-free timbre (``sound_names_class`` false):
    there only the video names the class, so the two accuracies show which modality a model (or the unlabeled
    clips it was trained on) got right.

    Args:
        annotations: ``annotations.json`` of the dataset (``videos[relpath][key]`` per clip, paths relative to
            the file's folder).
        key: Boolean field of each clip's record.
        names: Metric names for the clips where the flag is ``(true, false)``.
        collect_device: Device for collecting results across ranks.
        prefix: Metric name prefix.
    """

    default_prefix: Optional[str] = 'subset'

    def __init__(self, annotations: str, key: str = 'sound_names_class',
                 names: Sequence[str] = ('sound_names_class', 'sound_ambiguous'), collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if len(names) != 2:
            raise ValueError(f'SubsetAccuracy needs two names (flag true, flag false), got {names}')
        self.annotations, self.key, self.names = annotations, key, tuple(names)
        self._flags: Optional[Dict[str, bool]] = None
        self._root = os.path.dirname(os.path.abspath(annotations))

    def _flag(self, filename: str) -> bool:
        """The flag of one clip, looked up by its path relative to the annotations' folder."""
        if self._flags is None:
            try:
                with open(self.annotations) as f:
                    videos = json.load(f)['videos']
            except (OSError, ValueError, KeyError) as err:
                raise FileNotFoundError(f'SubsetAccuracy: cannot read the clips of {self.annotations} ({err}); '
                                        'point `annotations` at the dataset\'s annotations.json') from err
            self._flags = {rel: bool(v.get(self.key, True)) for rel, v in videos.items()}
        rel = os.path.relpath(os.path.abspath(filename), self._root)
        if rel not in self._flags:
            raise KeyError(f'SubsetAccuracy: {filename} is not a clip of {self.annotations}; evaluate on the '
                           'dataset the annotations describe')
        return self._flags[rel]

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Store (flag, correct) of each sample.

        Args:
            data_batch: Unused.
            data_samples: Outputs with ``pred_score`` (K,), ``gt_label`` and ``filename``.
        """
        for sample in data_samples:
            score, gt = sample['pred_score'], sample['gt_label']
            pred = int(score.argmax()) if hasattr(score, 'argmax') else int(np.argmax(score))
            gt = int(gt.item() if hasattr(gt, 'item') else gt)
            self.results.append((self._flag(sample['filename']), pred == gt))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """Accuracy of each subset (omitted when it has no clip).

        Args:
            results: (flag, correct) of every sample.

        Returns:
            ``{names[0]: acc, names[1]: acc}``.
        """
        out = {}
        for name, flag in zip(self.names, (True, False)):
            hits = [c for f, c in results if f == flag]
            if hits:
                out[name] = float(np.mean(hits))
        return out
