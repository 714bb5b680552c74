"""AVDataPreprocessor and MultiBranchAVDataPreprocessor."""
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.dataset import pseudo_collate

from mmavssl.models.data_preprocessors import AVDataPreprocessor, MultiBranchAVDataPreprocessor

MEAN, STD = [114.75] * 3, [57.375] * 3


def _inputs(value: int, views: int = 1) -> dict:
    return {'imgs': torch.full((views, 3, 2, 8, 8), value, dtype=torch.uint8),
            'audios': torch.full((views, 16, 8), float(value)), 'loc_audios': torch.zeros(views, 1, 4, 5)}


def _sample(value: int, views: int = 1) -> dict:
    return {'inputs': _inputs(value, views), 'data_samples': ActionDataSample(metainfo=dict(sample_idx=value))}


def test_av_preprocessor_normalises_and_stacks():
    pre = AVDataPreprocessor(MEAN, STD)
    out = pre(pseudo_collate([_sample(0, 3), _sample(255, 3)]))
    imgs = out['inputs']['imgs']
    assert imgs.shape == (2, 3, 3, 2, 8, 8) and imgs.dtype == torch.float32
    assert torch.allclose(imgs[0], torch.tensor(-2.0)) and torch.allclose(imgs[1], torch.tensor(2.4444444))
    assert out['inputs']['audios'].shape == (2, 3, 16, 8)
    assert out['inputs']['loc_audios'].shape == (2, 3, 1, 4, 5)
    assert [ds.sample_idx for ds in out['data_samples']] == [0, 255]


def test_av_preprocessor_rejects_bad_shape():
    pre = AVDataPreprocessor(MEAN, STD)
    with pytest.raises(ValueError, match='NCTHW'):
        pre({'inputs': [{'imgs': torch.zeros(3, 2, 8, 8, dtype=torch.uint8)}], 'data_samples': None})


def _branch_sample(idx: int, labeled: bool) -> dict:
    ds = ActionDataSample(metainfo=dict(sample_idx=idx))
    if labeled:
        return {'inputs': {'sup': _inputs(idx), 'unsup_weak': None, 'unsup_strong': None},
                'data_samples': {'sup': ds, 'unsup_weak': None, 'unsup_strong': None}}
    return {'inputs': {'sup': None, 'unsup_weak': _inputs(idx), 'unsup_strong': _inputs(idx + 100)},
            'data_samples': {'sup': None, 'unsup_weak': ds, 'unsup_strong': ds}}


def _branch_collate(samples: list) -> dict:
    """Per-branch lists with None entries (mmengine's pseudo_collate cannot mix dicts and None)."""
    return {field: {b: [s[field][b] for s in samples] for b in samples[0][field]}
            for field in ('inputs', 'data_samples')}


def test_multi_branch_keeps_alignment():
    pre = MultiBranchAVDataPreprocessor(dict(type='AVDataPreprocessor', mean=MEAN, std=STD))
    batch = _branch_collate([_branch_sample(1, True), _branch_sample(2, False), _branch_sample(3, False)])
    out = pre(batch, training=True)
    assert set(out['inputs']) == {'sup', 'unsup_weak', 'unsup_strong'}
    assert out['inputs']['sup']['imgs'].shape[0] == 1
    assert [d.sample_idx for d in out['data_samples']['unsup_weak']] == [2, 3]
    assert [d.sample_idx for d in out['data_samples']['unsup_strong']] == [2, 3]
    audios = out['inputs']['unsup_strong']['audios'][:, 0, 0, 0]
    assert audios.tolist() == [102.0, 103.0]


def test_multi_branch_rejects_misaligned_unsup():
    pre = MultiBranchAVDataPreprocessor(dict(type='AVDataPreprocessor', mean=MEAN, std=STD))
    batch = _branch_collate([_branch_sample(2, False), _branch_sample(3, False)])
    batch['inputs']['unsup_strong'][0] = None
    with pytest.raises(ValueError, match='same samples'):
        pre(batch, training=True)


def test_multi_branch_drops_empty_branch_and_passes_eval():
    pre = MultiBranchAVDataPreprocessor(dict(type='AVDataPreprocessor', mean=MEAN, std=STD))
    out = pre(pseudo_collate([_branch_sample(5, False)]), training=True)
    assert set(out['inputs']) == {'unsup_weak', 'unsup_strong'}
    out = pre(pseudo_collate([_sample(0, 2)]), training=False)
    assert out['inputs']['imgs'].shape == (1, 2, 3, 2, 8, 8)
