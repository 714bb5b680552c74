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
            the file's folder); None: the nearest ``annotations.json`` above each clip (so a config moved to
            another data root needs no change here).
        key: Boolean field of each clip's record.
        names: Metric names for the clips where the flag is ``(true, false)``.
        collect_device: Device for collecting results across ranks.
        prefix: Metric name prefix.
    """

    default_prefix: Optional[str] = 'subset'

    def __init__(self, annotations: Optional[str] = None, key: str = 'sound_names_class',
                 names: Sequence[str] = ('sound_names_class', 'sound_ambiguous'), collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if len(names) != 2:
            raise ValueError(f'SubsetAccuracy needs two names (flag true, flag false), got {names}')
        self.annotations, self.key, self.names = annotations, key, tuple(names)
        self._flags: Dict[str, Dict[str, bool]] = {}  # annotations file -> {clip path relative to it: flag}

    def _annotations_of(self, filename: str) -> str:
        """The annotations file that describes ``filename``."""
        if self.annotations is not None:
            return os.path.abspath(self.annotations)
        folder = os.path.dirname(os.path.abspath(filename))
        while True:
            candidate = os.path.join(folder, 'annotations.json')
            if os.path.isfile(candidate):
                return candidate
            parent = os.path.dirname(folder)
            if parent == folder:
                raise FileNotFoundError(f'SubsetAccuracy: no annotations.json in any folder above {filename}; '
                                        'set `annotations` to the dataset\'s annotations.json')
            folder = parent

    def _flag(self, filename: str) -> bool:
        """The flag of one clip, looked up by its path relative to its annotations' folder."""
        path = self._annotations_of(filename)
        if path not in self._flags:
            try:
                with open(path) as f:
                    videos = json.load(f)['videos']
            except (OSError, ValueError, KeyError) as err:
                raise FileNotFoundError(f'SubsetAccuracy: cannot read the clips of {path} ({err}); point '
                                        '`annotations` at the dataset\'s annotations.json') from err
            self._flags[path] = {rel: bool(v.get(self.key, True)) for rel, v in videos.items()}
        rel = os.path.relpath(os.path.abspath(filename), os.path.dirname(path))
        if rel not in self._flags[path]:
            raise KeyError(f'SubsetAccuracy: {filename} is not a clip of {path}; evaluate on the dataset the '
                           'annotations describe')
        return self._flags[path][rel]

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
