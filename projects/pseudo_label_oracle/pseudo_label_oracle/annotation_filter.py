"""A threshold that also drops the unlabeled clips an annotation flag marks as unfit (an oracle, for diagnosis)."""
import json
from typing import Optional, Union

import torch
from torch import Tensor

from mmavssl.models.thresholds import BaseThreshold
from mmavssl.registry import MODELS


@MODELS.register_module()
class AnnotationFilterThreshold(BaseThreshold):
    """Another threshold's mask, times a per-clip flag read from the dataset's annotations.

    It answers "what would the method reach if a perfect filter kept out the clips whose pseudo labels cannot be
    right?": on the synthetic benchmark, ``key='sound_names_class'`` keeps only the unlabeled clips whose sound
    names their class. It reads ground truth, so it is a diagnostic, never a method.

    Args:
        threshold: Config (or module) of the wrapped threshold, e.g. ``dict(type='FixedThreshold', tau=0.0)``.
        ann_file: The unlabeled list the sampler reads (line ``i`` is the clip of ``sample_idx`` ``i``).
        annotations: The dataset's ``annotations.json`` (``videos: {relative path: {key: bool}}``).
        key: The per-clip boolean field that keeps a clip.
    """

    def __init__(self, threshold: Union[dict, BaseThreshold], ann_file: str, annotations: str,
                 key: str = 'sound_names_class') -> None:
        super().__init__()
        self.inner = MODELS.build(threshold) if isinstance(threshold, dict) else threshold
        videos = json.loads(open(annotations).read())['videos']
        with open(ann_file) as f:
            paths = [line.split()[0] for line in f if line.strip()]
        missing = [p for p in paths if p not in videos or key not in videos[p]]
        if missing:
            raise KeyError(f'{annotations} has no {key!r} for {missing[0]} of {ann_file} ({len(missing)} clips); '
                           'pass the annotations of the unlabeled list')
        self.register_buffer('keep', torch.tensor([bool(videos[p][key]) for p in paths], dtype=torch.float32),
                             persistent=False)

    def forward(self, probs: Tensor, idx: Optional[Tensor] = None) -> Tensor:
        """The wrapped mask where the clip's flag is true, else 0.

        Args:
            probs: (B, K) teacher probabilities.
            idx: (B,) long indices of the clips in the unlabeled list (required).

        Returns:
            (B,) float 0/1 mask.
        """
        if idx is None:
            raise ValueError('AnnotationFilterThreshold needs the clips\' sample_idx')
        return self.inner(probs, idx) * self.keep.to(probs.device)[idx]

    def class_thresholds(self) -> Tensor:
        """The wrapped threshold's."""
        return self.inner.class_thresholds()
