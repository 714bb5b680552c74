"""``MultiBranchAV``: one decoded sample, several augmented branches (sup / unsup_weak / unsup_strong)."""
import copy
from typing import Dict, List, Optional, Sequence

from mmcv.transforms import BaseTransform, Compose

from mmavssl.registry import TRANSFORMS

# Objects that cannot (and need not) be deep-copied between branches.
_SHARED_KEYS = ('video_reader',)


def _branch_copy(results: dict) -> dict:
    """Deep copy of ``results`` that shares open readers instead of copying them."""
    shared = {k: results[k] for k in _SHARED_KEYS if k in results}
    rest = copy.deepcopy({k: v for k, v in results.items() if k not in shared})
    rest.update(shared)
    return rest


@TRANSFORMS.register_module()
class MultiBranchAV(BaseTransform):
    """Run one sub-pipeline per branch and collect the packed outputs.

    Output: ``{'inputs': {branch: inputs | None}, 'data_samples': {branch: ActionDataSample | None}}`` over
    every name in ``branch_field``; branches without a pipeline are None. Each branch pipeline must end with
    ``PackAVInputs``. Returns None (the dataset resamples) if any branch returns None.

    Decoding: ``decode`` (e.g. ``[SampleFrames, AVDecode, AudioFbank]``) runs after ``AVInit`` has opened the
    video. With ``decode_per_branch=False`` (default) it runs once and every branch augments a deep copy of
    the same frames and audio, so ``unsup_weak`` and ``unsup_strong`` show the same time window (half the
    decoding cost, and the teacher's pseudo-label describes exactly the clip the student sees). With
    ``decode_per_branch=True`` each branch draws and decodes its own temporal window, as SVFormer does.

    Args:
        branch_field: All branch names, in output order.
        decode: Transforms producing frames and audio; None when decoding happened before this wrapper.
        decode_per_branch: Decode independently for each branch.
        **branch_pipelines: ``name=[transforms]`` for the branches this dataset fills.
    """

    def __init__(self, branch_field: Sequence[str] = ('sup', 'unsup_weak', 'unsup_strong'),
                 decode: Optional[List[dict]] = None, decode_per_branch: bool = False,
                 **branch_pipelines: List[dict]) -> None:
        unknown = set(branch_pipelines) - set(branch_field)
        if unknown:
            raise ValueError(f'branches {sorted(unknown)} are not in branch_field={list(branch_field)}')
        if not branch_pipelines:
            raise ValueError('MultiBranchAV needs at least one branch pipeline, e.g. sup=[...]')
        if decode_per_branch and decode is None:
            raise ValueError('decode_per_branch=True needs the decode transforms in decode=[...]')
        self.branch_field = tuple(branch_field)
        self.decode = Compose(decode) if decode is not None else None
        self.decode_per_branch = decode_per_branch
        self.branches: Dict[str, Compose] = {k: Compose(v) for k, v in branch_pipelines.items()}

    def transform(self, results: dict) -> Optional[dict]:
        """Decode (once or per branch) and run the branch pipelines.

        Args:
            results: The sample dict (after ``AVInit`` when ``decode`` is set).

        Returns:
            The multi-branch dict, or None if a branch dropped the sample.
        """
        if self.decode is not None and not self.decode_per_branch:
            results = self.decode(results)
            if results is None:
                return None
        outputs = {}
        for name, pipeline in self.branches.items():
            branch = _branch_copy(results)
            if self.decode_per_branch:
                branch = self.decode(branch)
                if branch is None:
                    return None
            packed = pipeline(branch)
            if packed is None:
                return None
            outputs[name] = packed
        return {'inputs': {k: outputs[k]['inputs'] if k in outputs else None for k in self.branch_field},
                'data_samples': {k: outputs[k]['data_samples'] if k in outputs else None
                                 for k in self.branch_field}}

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(branches={list(self.branches)}, '
                f'decode_per_branch={self.decode_per_branch})')
