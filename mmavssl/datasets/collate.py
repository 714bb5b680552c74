"""``multi_branch_collate``: batches of ``MultiBranchAV`` samples whose branches are None for some samples."""
from typing import Any, Dict, List, Mapping, Optional, Sequence

from mmengine.dataset import pseudo_collate
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS

from mmavssl.registry import FUNCTIONS

_FIELDS = ('inputs', 'data_samples')


def _is_multi_branch(sample: Any) -> bool:
    """Whether ``sample`` is a ``MultiBranchAV`` output: ``inputs`` maps branch names to dicts or None."""
    if not isinstance(sample, Mapping) or not isinstance(sample.get('inputs'), Mapping):
        return False
    return all(v is None or isinstance(v, Mapping) for v in sample['inputs'].values()) and any(
        isinstance(v, Mapping) for v in sample['inputs'].values())


@FUNCTIONS.register_module()
def multi_branch_collate(data_batch: Sequence[dict]) -> Dict[str, Any]:
    """Collate ``MultiBranchAV`` samples into per-branch lists that keep None entries.

    mmengine's ``pseudo_collate`` recurses into the first sample's branch dict and indexes the other samples'
    entries with its keys, which fails when that branch is None for a later sample (a labeled clip has no
    ``unsup_*`` views, an unlabeled one no ``sup`` view). Here every branch becomes a list with one entry per
    sample, in batch order, None where the sample lacks the branch — the format
    ``MultiBranchAVDataPreprocessor`` reads. Ordinary single-branch batches (validation, test, supervised
    training) go to ``pseudo_collate`` unchanged, so one dataloader setting serves every loop.

    Args:
        data_batch: B samples, each ``{'inputs': {branch: {'imgs': (V, C, T, H, W), ...} | None},
            'data_samples': {branch: ActionDataSample | None}}`` (``MultiBranchAV``), or ordinary samples.

    Returns:
        ``{'inputs': {branch: [inputs | None] * B}, 'data_samples': {branch: [ActionDataSample | None] * B}}``
        for multi-branch samples (branches in the first sample's order); ``pseudo_collate(data_batch)``
        otherwise.

    Raises:
        ValueError: If the batch mixes multi-branch and ordinary samples, or the samples name different
            branches.
    """
    flags = [_is_multi_branch(sample) for sample in data_batch]
    if not any(flags):
        return pseudo_collate(data_batch)
    if not all(flags):
        raise ValueError('multi_branch_collate got a batch mixing MultiBranchAV samples with ordinary ones; '
                         'end every pipeline of the training datasets with MultiBranchAV.')
    branches = list(data_batch[0]['inputs'])
    out: Dict[str, Dict[str, List[Optional[Any]]]] = {field: {} for field in _FIELDS}
    for i, sample in enumerate(data_batch):
        for field in _FIELDS:
            entries = sample.get(field) or {}
            if list(entries) != branches:
                raise ValueError(f'sample {i} of the batch has {field} branches {list(entries)}, sample 0 has '
                                 f'{branches}; give every MultiBranchAV the same branch_field.')
            for branch in branches:
                out[field].setdefault(branch, []).append(entries[branch])
    return out


# mmengine's Runner.build_dataloader looks `collate_fn` types up in its root FUNCTIONS registry, which searches
# neither its grandchildren (mmavssl's registry is a child of mmaction2's) nor the default scope; registering
# there too lets configs write collate_fn=dict(type='multi_branch_collate').
MMENGINE_FUNCTIONS.register_module(module=multi_branch_collate)
