"""LocAudioDecode / LoadSourceBoxes / PackAVInputs on a generated synthetic clip."""
import json

import numpy as np
import pytest
from mmcv.transforms import Compose
from mmengine.registry import init_default_scope

from mmavssl.synthetic import ClipSpec, SyntheticAVConfig, render_clip, write_av_file
from mmavssl.datasets.transforms import LoadSourceBoxes, LocAudioDecode, PackAVInputs

init_default_scope('mmavssl')
CFG = SyntheticAVConfig(width=64, height=48, fps=10, duration=2.0)


@pytest.fixture(scope='module')
def clip(tmp_path_factory):
    """A generated clip, its rendered waveform and an annotations.json describing it."""
    root = tmp_path_factory.mktemp('synth')
    rendered = render_clip(CFG, ClipSpec('test', label=0, index=0))
    frames, audio, boxes = rendered.frames, rendered.audio, rendered.source_boxes
    (root / 'videos').mkdir()
    write_av_file(str(root / 'videos/a.mp4'), frames, audio, CFG.fps, CFG.sample_rate)
    (root / 'annotations.json').write_text(json.dumps({'videos': {'videos/a.mp4': {
        'source_boxes': np.asarray(boxes).tolist()}}}))
    return root, np.asarray(audio, np.float32), np.asarray(boxes, np.float32)


def _decode() -> list:
    return [dict(type='AVInit'), dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=1,
                                      test_mode=True),
            dict(type='AVDecode', decode_audio=False)]


def test_loc_audio_decode_reads_aligned_audio(clip):
    root, audio, _ = clip
    results = Compose(_decode())({'filename': str(root / 'videos/a.mp4'), 'start_index': 0})
    out = LocAudioDecode(window=0.5)(results)
    frame = int(out['frame_inds'][0])
    assert out['audio_valid'] and out['audio_sample_rate'] == CFG.sample_rate
    # Decoded audio starts at audio_offset and matches the rendered waveform there (AAC: loose tolerance).
    first = int(round(out['audio_offset'] * CFG.sample_rate))
    assert out['audio_offset'] <= frame / CFG.fps - 0.5 + 0.11
    n = min(out['audio'].size, audio.size - first)
    corr = np.corrcoef(out['audio'][:n], audio[first:first + n])[0, 1]
    assert corr > 0.9


def test_loc_audio_decode_rate_mismatch(clip):
    root, _, _ = clip
    with pytest.raises(ValueError, match='audio_sample_rate'):
        LocAudioDecode(sample_rate=16000)({'filename': str(root / 'videos/a.mp4'), 'frame_inds': [0],
                                           'avg_fps': 10.0, 'audio_sample_rate': 8000})


@pytest.mark.parametrize('scale', [(64, 48), (128, 96), (32, 32)])
def test_source_boxes_follow_resize(clip, scale):
    root, _, boxes = clip
    pipeline = Compose(_decode() + [
        dict(type='Resize', scale=scale, keep_ratio=False),
        dict(type='LoadSourceBoxes', ann_file=str(root / 'annotations.json')),
        dict(type='LocAudioDecode'), dict(type='LocAudioWindow', window=1.0, keep_single_frame=True),
        dict(type='FNACSpectrogram'), dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackAVInputs', meta_keys=('img_shape', 'gt_boxes'))])
    out = pipeline({'filename': str(root / 'videos/a.mp4'), 'start_index': 0})
    ds = out['data_samples']
    frame = CFG.fps * CFG.duration // 2  # test-mode SampleFrames picks the middle frame
    sx, sy = scale[0] / CFG.width, scale[1] / CFG.height
    np.testing.assert_allclose(ds.gt_boxes, boxes[int(frame)][None] * [sx, sy, sx, sy], rtol=1e-5)
    assert tuple(ds.img_shape) == (scale[1], scale[0])
    assert out['inputs']['imgs'].shape == (1, 3, 1, scale[1], scale[0])
    assert out['inputs']['loc_audios'].shape == (1, 1, 257, 66) and 'audios' not in out['inputs']


def test_source_boxes_errors(clip, tmp_path):
    root, _, _ = clip
    with pytest.raises(FileNotFoundError, match='generate'):
        LoadSourceBoxes(str(tmp_path / 'annotations.json'))
    boxes = LoadSourceBoxes(str(root / 'annotations.json'))
    base = {'frame_inds': [0], 'img_shape': (48, 64), 'original_shape': (48, 64)}
    with pytest.raises(KeyError, match='not in'):
        boxes(dict(base, filename=str(root / 'videos/b.mp4')))
    with pytest.raises(ValueError, match='crops'):
        boxes(dict(base, filename=str(root / 'videos/a.mp4'), crop_bbox=np.zeros(4)))


def test_pack_needs_some_audio():
    with pytest.raises(KeyError, match='AudioFbank'):
        PackAVInputs()({'imgs': np.zeros((1, 3, 1, 4, 4), np.uint8)})
