"""Full pipelines produce exactly the sample format of docs/architecture.md."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

from mmavssl.datasets.transforms import MultiBranchAV, PackAVInputs

init_default_scope('mmavssl')

CLIP = dict(clip_len=4, frame_interval=2, out_of_bound_opt='repeat_last')
DECODE = [dict(type='SampleFrames', num_clips=1, **CLIP), dict(type='AVDecode'),
          dict(type='AudioFbank', target_length=64, num_mel_bins=32)]
WEAK = [dict(type='RandomRescale', scale_range=(40, 56)), dict(type='RandomCrop', size=32),
        dict(type='Flip', flip_ratio=0.5), dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackAVInputs')]
STRONG = WEAK[:3] + [dict(type='ClipRandAugment', num_ops=2, magnitude=9), dict(type='TemporalWarp',
                                                                               keep_choices=(2, None)),
                     dict(type='SpecAugment', freq_mask=8, time_mask=16)] + WEAK[3:]


def unlabeled_pipeline(per_branch=False):
    return [dict(type='AVInit'), dict(type='MultiBranchAV', decode=DECODE, decode_per_branch=per_branch,
                                      unsup_weak=WEAK, unsup_strong=STRONG)]


def sample(path, label=3, idx=7):
    return dict(filename=path, label=label, sample_idx=idx, start_index=0, modality='RGB')


def check_inputs(inputs, views, mel=32):
    assert set(inputs) == {'imgs', 'audios'}
    assert inputs['imgs'].dtype == torch.uint8 and inputs['imgs'].shape == (views, 3, 4, 32, 32)
    assert inputs['audios'].dtype == torch.float32 and inputs['audios'].shape == (views, 64, mel)


def test_labeled_branch(media_dir):
    pipe = Compose([dict(type='AVInit'), *DECODE,
                    dict(type='MultiBranchAV', sup=WEAK)])
    out = pipe(sample(osp.join(media_dir, 'sync.mkv')))
    assert set(out) == {'inputs', 'data_samples'}
    assert out['inputs']['unsup_weak'] is None and out['data_samples']['unsup_strong'] is None
    check_inputs(out['inputs']['sup'], 1)
    ds = out['data_samples']['sup']
    assert isinstance(ds, ActionDataSample)
    assert ds.gt_label.dtype == torch.long and ds.gt_label.tolist() == [3]
    assert ds.audio_valid is True and ds.sample_idx == 7 and ds.filename.endswith('sync.mkv')


@pytest.mark.parametrize('per_branch', [False, True])
def test_unlabeled_weak_strong_branches(media_dir, per_branch):
    np.random.seed(0)
    out = Compose(unlabeled_pipeline(per_branch))(sample(osp.join(media_dir, 'sync.mkv'), label=-1))
    assert out['inputs']['sup'] is None and out['data_samples']['sup'] is None
    for branch in ('unsup_weak', 'unsup_strong'):
        check_inputs(out['inputs'][branch], 1)
        assert out['data_samples'][branch].sample_idx == 7
        assert out['data_samples'][branch].gt_label.tolist() == [-1]
    assert not torch.equal(out['inputs']['unsup_weak']['audios'], out['inputs']['unsup_strong']['audios'])


def test_decode_once_shares_the_time_window(media_dir):
    fmt = [dict(type='FormatShape', input_format='NCTHW'), dict(type='PackAVInputs', meta_keys=('frame_inds',))]
    pipe = Compose([dict(type='AVInit'), dict(type='MultiBranchAV', decode=DECODE, unsup_weak=fmt, unsup_strong=fmt)])
    for _ in range(3):
        out = pipe(sample(osp.join(media_dir, 'sync.mkv')))
        weak, strong = out['data_samples']['unsup_weak'], out['data_samples']['unsup_strong']
        assert np.array_equal(weak.frame_inds, strong.frame_inds)
        assert torch.equal(out['inputs']['unsup_weak']['imgs'], out['inputs']['unsup_strong']['imgs'])


def test_multiview_test_pipeline_repeats_each_clips_audio_over_its_crops(media_dir):
    pipe = Compose([dict(type='AVInit'),
                    dict(type='SampleFrames', num_clips=5, test_mode=True, **CLIP),
                    dict(type='AVDecode'), dict(type='AudioFbank', target_length=64, num_mel_bins=32),
                    dict(type='Resize', scale=(-1, 32)), dict(type='ThreeCrop', crop_size=32),
                    dict(type='FormatShape', input_format='NCTHW'), dict(type='PackAVInputs')])
    out = pipe(sample(osp.join(media_dir, 'sync.mkv')))
    check_inputs(out['inputs'], 15)
    audios, imgs = out['inputs']['audios'], out['inputs']['imgs']
    for v in range(15):
        assert torch.equal(audios[v], audios[v % 5])  # crop-major views: view v is clip v % 5
        assert torch.equal(imgs[v, :, 0, 0, 0], imgs[v % 5, :, 0, 0, 0])  # uniform grey frames: same clip
    assert not torch.equal(audios[0], audios[1])


def test_fnac_spectrogram_output_gets_the_view_axis():
    """FNACSpectrogram writes (1, F, S) for the sample; the strong view packs it as (V, 1, F, S)."""
    loc = np.random.rand(1, 5, 6)
    results = dict(imgs=np.zeros((1, 3, 2, 8, 8), np.uint8), audios=np.random.rand(1, 10, 4), loc_audios=loc)
    packed = PackAVInputs()(results)['inputs']['loc_audios']
    assert packed.shape == (1, 1, 5, 6)
    assert torch.allclose(packed[0], torch.from_numpy(loc).float())


def test_loc_audios_are_packed_per_view():
    results = dict(imgs=np.zeros((6, 3, 2, 8, 8), np.uint8), audios=np.random.rand(2, 10, 4),
                   loc_audios=np.random.rand(2, 1, 5, 6), label=1, audio_valid=False, sample_idx=0)
    out = PackAVInputs()(results)
    assert out['inputs']['loc_audios'].shape == (6, 1, 5, 6)
    assert torch.equal(out['inputs']['loc_audios'][3], out['inputs']['loc_audios'][1])
    assert out['data_samples'].audio_valid is False
    with pytest.raises(ValueError, match='FormatShape'):
        PackAVInputs()(dict(results, imgs=[np.zeros((8, 8, 3), np.uint8)]))
    with pytest.raises(ValueError, match='cannot be matched'):
        PackAVInputs()(dict(results, audios=np.random.rand(4, 10, 4)))


def test_multibranch_config_errors():
    with pytest.raises(ValueError, match='not in branch_field'):
        MultiBranchAV(teacher=WEAK)
    with pytest.raises(ValueError, match='decode_per_branch'):
        MultiBranchAV(decode_per_branch=True, sup=WEAK)
