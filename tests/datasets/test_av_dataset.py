"""List parsing, label checks, audio prefix, sample_idx, the bad-data policy and seeded samples."""
import os.path as osp
import random
import shutil

import numpy as np
import pytest
import torch
from mmengine.dataset import ConcatDataset
from mmengine.registry import init_default_scope

from mmavssl.datasets import AVVideoDataset, BadVideoError, UnlabeledAVVideoDataset, count_bad_files
from mmavssl.datasets.seeding import SeededIndex

init_default_scope('mmavssl')
PIPE = [dict(type='AVInit'), dict(type='SampleFrames', clip_len=2, frame_interval=1, num_clips=1),
        dict(type='AVDecode'), dict(type='AudioFbank', target_length=16, num_mel_bins=16),
        dict(type='FormatShape', input_format='NCTHW'), dict(type='PackAVInputs')]


@pytest.fixture()
def root(tmp_path, media_dir):
    """A dataset folder: two good videos, a corrupt one, classes file."""
    for i in range(2):
        shutil.copy(osp.join(media_dir, 'short.mkv'), tmp_path / f'good{i}.mkv')
    (tmp_path / 'corrupt.mkv').write_bytes(b'not a video' * 50)
    (tmp_path / 'classes.txt').write_text('1 A\r\n2 B\r\n3 C\r\n')
    return tmp_path


def write(root, text, name='list.txt'):
    (root / name).write_text(text)
    return str(root / name)


def test_labeled_list_with_classes_and_audio_prefix(root):
    ds = AVVideoDataset(write(root, 'good0.mkv 2\r\ngood1.mkv 0\r\n\r\n'), PIPE,
                        data_prefix=dict(video=str(root), audio='/wav'), classes_file=str(root / 'classes.txt'))
    assert len(ds) == 2 and ds.metainfo['classes'] == ('A', 'B', 'C')
    info = ds.get_data_info(1)
    assert info['filename'] == str(root / 'good1.mkv') and info['label'] == 0 and info['sample_idx'] == 1
    assert info['audio_path'] == '/wav/good1.wav'


def test_unlabeled_list_without_and_with_labels(root):
    ds = UnlabeledAVVideoDataset(write(root, 'good0.mkv\ngood1.mkv 1\n'), PIPE, data_prefix=dict(video=str(root)))
    assert [ds.get_data_info(i)['label'] for i in range(2)] == [-1, 1]
    out = ds[1]
    assert out['data_samples'].sample_idx == 1 and out['data_samples'].gt_label.tolist() == [1]
    assert out['inputs']['imgs'].shape == (1, 3, 2, 48, 64)


@pytest.mark.parametrize('text,match', [
    ('good0.mkv 1\ngood1.mkv\n', r'list.txt:2: no label column.*UnlabeledAVVideoDataset'),
    ('good0.mkv 3\n', r'list.txt:1: label 3 outside \[0, 3\).*0-based'),
    ('good0.mkv -1\n', r'list.txt:1: label -1 outside'),
    ('good0.mkv x\n', r'list.txt:1: label .x. is not an integer'),
    ('good 0.mkv 1 2\n', r'list.txt:1: expected "<path> <label>"'),
])
def test_malformed_lists_name_file_and_line(root, text, match):
    with pytest.raises(ValueError, match=match):
        AVVideoDataset(write(root, text), PIPE, data_prefix=dict(video=str(root)),
                       classes_file=str(root / 'classes.txt'))


def test_missing_annotation_and_class_count_conflict(root):
    with pytest.raises(FileNotFoundError, match='nope.txt'):
        AVVideoDataset(str(root / 'nope.txt'), PIPE)
    with pytest.raises(ValueError, match='num_classes=5'):
        AVVideoDataset(write(root, 'good0.mkv 1\n'), PIPE, classes_file=str(root / 'classes.txt'), num_classes=5)


def test_training_skips_bad_videos_and_reports_them(root):
    ds = AVVideoDataset(write(root, 'corrupt.mkv 0\nmissing.mkv 1\ngood0.mkv 2\n'), PIPE,
                        data_prefix=dict(video=str(root)), num_classes=3)
    bad = []
    for idx in (0, 1):
        out = ds[idx]
        assert out['data_samples'].filename.endswith('good0.mkv')  # the only good video replaced it
        bad += count_bad_files({'inputs': [out['inputs']], 'data_samples': [out['data_samples']]})
    assert set(bad) >= {str(root / 'corrupt.mkv'), str(root / 'missing.mkv')}
    assert 'bad_files' not in ds[2]['data_samples']


def test_strict_training_raises_naming_the_file(root):
    ds = AVVideoDataset(write(root, 'corrupt.mkv 0\n'), PIPE, data_prefix=dict(video=str(root)), strict=True)
    with pytest.raises(BadVideoError, match='corrupt.mkv'):
        ds[0]


def test_test_mode_lists_missing_files_and_raises_on_corrupt(root):
    with pytest.raises(FileNotFoundError, match=r'(?s)2 file\(s\).*missing_a.mkv\n  .*missing_b.mkv'):
        AVVideoDataset(write(root, 'missing_a.mkv 0\ngood0.mkv 0\nmissing_b.mkv 0\n'), PIPE,
                       data_prefix=dict(video=str(root)), test_mode=True)
    ds = AVVideoDataset(write(root, 'corrupt.mkv 0\n'), PIPE, data_prefix=dict(video=str(root)), test_mode=True)
    with pytest.raises(BadVideoError, match='corrupt.mkv'):
        ds[0]


def global_states():
    return random.getstate(), np.random.get_state()[1].tolist(), torch.get_rng_state()


def test_seeded_index_fixes_the_draws_and_leaves_the_callers_generators(root):
    # random clip start (SampleFrames) and random crop: what a sample draws shows in its frames and their size
    pipe = [*PIPE[:3], dict(type='RandomResizedCrop'), *PIPE[3:]]
    ds = AVVideoDataset(write(root, 'good0.mkv 0\n'), pipe, data_prefix=dict(video=str(root)), num_classes=3)

    def imgs(seed):
        return ds[SeededIndex(0, seed)]['inputs']['imgs']

    torch.manual_seed(1), np.random.seed(1), random.seed(1)
    before = global_states()
    first = imgs(7)
    after = global_states()
    assert after[:2] == before[:2] and torch.equal(after[2], before[2])  # the caller's stream is untouched
    torch.manual_seed(2), np.random.seed(2), random.seed(2)
    assert torch.equal(imgs(7), first)  # the seed alone decides
    assert not all(torch.equal(imgs(seed), first) for seed in range(8, 12))
    # ConcatDataset (as the semi-supervised configs wrap labeled and unlabeled) keeps the seed of its second part
    assert torch.equal(ConcatDataset([ds, ds])[SeededIndex(1, 7)]['inputs']['imgs'], first)
    assert ds[SeededIndex(0, 7)]['data_samples'].sample_idx == 0
    assert type(ds[SeededIndex(0, 7)]['data_samples'].sample_idx) is int
