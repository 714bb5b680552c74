"""multi_branch_collate: per-branch lists with None entries, registry lookup, and the preprocessor round trip."""
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.dataset import pseudo_collate
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS

from mmavssl.datasets import multi_branch_collate
from mmavssl.models.data_preprocessors import MultiBranchAVDataPreprocessor

BRANCHES = ('sup', 'unsup_weak', 'unsup_strong')


def _view(value):
    return {'imgs': torch.full((1, 3, 2, 4, 4), value, dtype=torch.uint8), 'audios': torch.full((1, 8, 4), value)}


def _sample(idx, labeled):
    """A MultiBranchAV output: labeled samples fill sup, unlabeled ones unsup_weak (value idx) and unsup_strong
    (value 100 + idx)."""
    ds = ActionDataSample(metainfo=dict(sample_idx=idx)).set_gt_label(idx if labeled else -1)
    if labeled:
        return {'inputs': {'sup': _view(idx), 'unsup_weak': None, 'unsup_strong': None},
                'data_samples': {'sup': ds, 'unsup_weak': None, 'unsup_strong': None}}
    return {'inputs': {'sup': None, 'unsup_weak': _view(idx), 'unsup_strong': _view(100 + idx)},
            'data_samples': {'sup': None, 'unsup_weak': ds, 'unsup_strong': ds.clone()}}


def test_pseudo_collate_fails_on_mixed_branches():
    """The bug this function exists for: a branch that is a dict first and None later."""
    with pytest.raises(TypeError):
        pseudo_collate([_sample(0, True), _sample(1, False)])


def test_keeps_per_branch_lists_with_none():
    batch = multi_branch_collate([_sample(0, True), _sample(1, False), _sample(2, False)])
    assert list(batch['inputs']) == list(BRANCHES)
    sup, weak, strong = (batch['inputs'][b] for b in BRANCHES)
    assert sup[1] is None and sup[2] is None and weak[0] is None and strong[0] is None
    assert int(sup[0]['imgs'][0, 0, 0, 0, 0]) == 0
    assert [int(v['imgs'].flatten()[0]) for v in weak[1:]] == [1, 2]
    assert [int(v['imgs'].flatten()[0]) for v in strong[1:]] == [101, 102]
    assert [None if d is None else d.sample_idx for d in batch['data_samples']['unsup_weak']] == [None, 1, 2]


def test_preprocessor_round_trip_keeps_weak_strong_pairs():
    pre = MultiBranchAVDataPreprocessor(dict(type='AVDataPreprocessor', mean=[0, 0, 0], std=[1, 1, 1]))
    batch = multi_branch_collate([_sample(3, False), _sample(0, True), _sample(5, False), _sample(1, True)])
    out = pre(batch, training=True)
    assert out['inputs']['sup']['imgs'].shape == (2, 1, 3, 2, 4, 4)
    assert out['inputs']['sup']['imgs'][:, 0, 0, 0, 0, 0].tolist() == [0, 1]
    assert out['inputs']['unsup_weak']['imgs'][:, 0, 0, 0, 0, 0].tolist() == [3, 5]
    assert out['inputs']['unsup_strong']['imgs'][:, 0, 0, 0, 0, 0].tolist() == [103, 105]
    assert [d.sample_idx for d in out['data_samples']['unsup_strong']] == [3, 5]


def test_ordinary_batches_go_to_pseudo_collate():
    samples = [{'inputs': _view(i), 'data_samples': ActionDataSample()} for i in range(2)]
    batch = multi_branch_collate(samples)
    assert isinstance(batch['inputs'], dict) and len(batch['inputs']['imgs']) == 2


def test_mixed_or_inconsistent_batches_raise():
    ordinary = {'inputs': _view(0), 'data_samples': ActionDataSample()}
    with pytest.raises(ValueError, match='mixing'):
        multi_branch_collate([_sample(0, True), ordinary])
    other = _sample(1, False)
    other['inputs'] = {'sup': None, 'unsup_weak': _view(1)}
    with pytest.raises(ValueError, match='branch_field'):
        multi_branch_collate([_sample(0, True), other])


def test_registered_where_the_runner_looks():
    assert MMENGINE_FUNCTIONS.get('multi_branch_collate') is multi_branch_collate
