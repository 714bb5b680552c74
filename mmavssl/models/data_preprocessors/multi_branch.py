"""Data preprocessor for semi-supervised batches with sup / unsup_weak / unsup_strong branches."""
from typing import Any, Dict, List, Optional

import torch.nn as nn
from mmengine.model import BaseDataPreprocessor

from mmavssl.registry import MODELS
from .av_data_preprocessor import split_samples


@MODELS.register_module()
class MultiBranchAVDataPreprocessor(BaseDataPreprocessor):
    """Run a wrapped preprocessor once per branch of a ``MultiBranchAV`` batch.

    In training, a batch is ``{'inputs': {branch: per-sample inputs or None}, 'data_samples': {branch:
    per-sample samples or None}}``. Samples whose entry is None (an unlabeled clip in ``sup``, a labeled one
    in ``unsup_*``) are dropped branch by branch, keeping the batch order, so ``unsup_weak[i]`` and
    ``unsup_strong[i]`` stay the same clip; empty branches are left out of the result. In evaluation the
    batch is an ordinary one and goes straight to the wrapped preprocessor.

    Args:
        data_preprocessor: Config of the wrapped preprocessor (e.g. ``AVDataPreprocessor``).
    """

    def __init__(self, data_preprocessor: dict) -> None:
        super().__init__()
        self.data_preprocessor = MODELS.build(data_preprocessor)

    def forward(self, data: Dict[str, Any], training: bool = False) -> Dict[str, Any]:
        """Preprocess each branch.

        Args:
            data: Collated batch.
            training: Whether the batch is a multi-branch training batch.

        Returns:
            Training: ``{'inputs': {branch: inputs}, 'data_samples': {branch: list}}``; otherwise the wrapped
            preprocessor's output.

        Raises:
            ValueError: If ``unsup_weak`` and ``unsup_strong`` are present for different samples.
        """
        if not training:
            return self.data_preprocessor(data, training)
        inputs, samples = {}, {}
        kept: Dict[str, List[int]] = {}
        for branch, branch_inputs in data['inputs'].items():
            entries = split_samples(branch_inputs)
            branch_samples: Optional[list] = data['data_samples'].get(branch)
            kept[branch] = [i for i, entry in enumerate(entries) if entry is not None]
            if not kept[branch]:
                continue
            out = self.data_preprocessor(
                {'inputs': [entries[i] for i in kept[branch]],
                 'data_samples': [branch_samples[i] for i in kept[branch]] if branch_samples is not None else None},
                training)
            inputs[branch], samples[branch] = out['inputs'], out['data_samples']
        if kept.get('unsup_weak', []) != kept.get('unsup_strong', []):
            raise ValueError('unsup_weak and unsup_strong must be present for the same samples, got positions '
                             f"{kept.get('unsup_weak')} and {kept.get('unsup_strong')}")
        return {'inputs': inputs, 'data_samples': samples}

    # BaseDataPreprocessor tracks its device itself; nn.Module.to does not call the wrapped one's override.
    def to(self, *args: Any, **kwargs: Any) -> nn.Module:
        """Move this and the wrapped preprocessor (see ``BaseDataPreprocessor.to``)."""
        self.data_preprocessor.to(*args, **kwargs)
        return super().to(*args, **kwargs)

    def cuda(self, *args: Any, **kwargs: Any) -> nn.Module:
        """Move this and the wrapped preprocessor to the current CUDA device."""
        self.data_preprocessor.cuda(*args, **kwargs)
        return super().cuda(*args, **kwargs)

    def cpu(self, *args: Any, **kwargs: Any) -> nn.Module:
        """Move this and the wrapped preprocessor to the CPU."""
        self.data_preprocessor.cpu(*args, **kwargs)
        return super().cpu(*args, **kwargs)
