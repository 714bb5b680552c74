"""One audio read per sample: ``AVDecode(audio_margin=w)`` against the two reads it replaces
(``AVDecode`` of the clip span, then ``LocAudioDecode(window=w)``), on generated synthetic clips and media."""
from pathlib import Path
from typing import Dict, List

import numpy as np
import pytest
from mmcv.transforms import Compose
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmavssl.datasets import BadVideoError
from mmavssl.datasets.transforms import ArrayVideoReader, AVDecode, AVInit, LocAudioDecode
from mmavssl.synthetic import ClipSpec, SyntheticAVConfig, render_clip, write_av_file

init_default_scope('mmavssl')
REPO = Path(__file__).resolve().parents[3]
# Keys of the decoded sample that feed the recognizer (audios: the fbank) and the localizer (loc_audios).
COMPARED = ('frame_inds', 'audios', 'audio', 'audio_offset', 'audio_sample_rate', 'loc_audio', 'loc_audios')
FLAGS = ('audio_valid', 'audio_missing')


def _pipelines(config: str) -> Dict[str, List[dict]]:
    """The unlabeled sample's decode + localizer transforms of a dataset base config, as the config writes them
    (``new``) and in the two-read form it replaced (``old``)."""
    cfg = Config.fromfile(str(REPO / 'configs/_base_/datasets' / config))
    decode = [dict(t) for t in cfg.semi_decode]
    av_decode = next(t for t in decode if t['type'] == 'AVDecode')
    margin = av_decode['audio_margin']
    old = [dict(t, audio_margin=None) if t['type'] == 'AVDecode' else t for t in decode]
    old.append(dict(type='LocAudioDecode', window=margin))
    # the localizer's transforms of the strong view, without the random masks
    loc = [dict(t, augment=False) if t['type'] == 'FNACSpectrogram' else dict(t)
           for t in cfg.strong_loc if t['type'] in ('LocAudioWindow', 'FNACSpectrogram')]
    return dict(old=[dict(type='AVInit'), *old, *loc], new=[dict(type='AVInit'), *decode, *loc])


def _run(pipeline: List[dict], results: dict, seed: int) -> dict:
    np.random.seed(seed)  # SampleFrames draws the clip's start
    return Compose(pipeline)(dict(results))


def _assert_same(old: dict, new: dict) -> None:
    for key in COMPARED:
        np.testing.assert_array_equal(np.asarray(new[key]), np.asarray(old[key]), err_msg=key)
    for key in FLAGS:
        assert new[key] is old[key], key


@pytest.mark.parametrize('config', ['synthetic_av.py', 'av_paper_common.py'])
def test_one_read_equals_two_reads_on_synthetic_clips(tiny_synthetic_root, config):
    pipelines = _pipelines(config)
    videos = [line.split()[0] for line in (tiny_synthetic_root / 'train_all.txt').read_text().splitlines()[:3]]
    for video in videos:
        for seed in range(4):
            sample = dict(filename=str(tiny_synthetic_root / video), start_index=0)
            old, new = _run(pipelines['old'], sample, seed), _run(pipelines['new'], sample, seed)
            assert new['audio_valid'] and new['audios'].shape[0] == 1
            _assert_same(old, new)


def test_configs_decode_audio_once():
    for config in ('synthetic_av.py', 'av_paper_common.py'):
        assert not any(t['type'] == 'LocAudioDecode' for t in _pipelines(config)['new'])


def test_one_read_without_audio_stream(make_av, tmp_path):
    """A file without an audio stream: silence, audio_valid False, audio_missing True, as before."""
    path = make_av(str(tmp_path / 'noaudio.mkv'), num_frames=60, fps=12, acodec=None)
    pipelines = _pipelines('synthetic_av.py')
    old, new = _run(pipelines['old'], dict(filename=path, start_index=0), 0), \
        _run(pipelines['new'], dict(filename=path, start_index=0), 0)
    _assert_same(old, new)
    assert not new['audio_valid'] and new['audio_missing'] and not new['audio'].any()
    results = AVInit()(dict(filename=path, start_index=0))
    results.update(frame_inds=np.arange(8), clip_len=8, num_clips=1)
    for policy, error in (('skip', BadVideoError), ('raise', RuntimeError)):
        with pytest.raises(error, match='no audio stream'):
            AVDecode(missing_audio=policy, audio_margin=0.3)(dict(results, video_reader=results['video_reader']))


@pytest.mark.parametrize('audio', [None, np.zeros((1, 0), np.float32)], ids=['no_audio', 'empty_audio'])
def test_one_read_predecoded_missing_or_empty(audio):
    """Pre-decoded input without audio (None) or with an empty array: the flags the two reads ended with."""
    frames = np.zeros((30, 8, 8, 3), np.uint8)
    sample = dict(video_reader=ArrayVideoReader(frames, 12.0), audio_array=audio, audio_array_rate=16000)
    sample.update(AVInit()(dict(sample)))
    sample.update(frame_inds=np.arange(4, 12), clip_len=8, num_clips=1)
    old = LocAudioDecode(window=0.3)(AVDecode()(dict(sample)))
    new = AVDecode(audio_margin=0.3)(dict(sample))
    np.testing.assert_array_equal(new['waveforms'], old['waveforms'])
    np.testing.assert_array_equal(new['audio'], old['audio'])
    assert new['audio_offset'] == old['audio_offset']
    assert new['audio_valid'] is old['audio_valid'] is False and new['audio_missing'] is old['audio_missing'] is True


def _decode_pair(path: str, inds: np.ndarray, margin: float, **kwargs) -> tuple:
    """(two reads, one read) of the frames ``inds`` as one clip."""
    results = AVInit()(dict(filename=path, start_index=0))
    results.update(frame_inds=inds, clip_len=len(inds), num_clips=1)
    old = LocAudioDecode(window=margin, sample_rate=kwargs.get('sample_rate', 16000))(
        AVDecode(**kwargs)(dict(results)))
    results = AVInit()(dict(filename=path, start_index=0))
    results.update(frame_inds=inds, clip_len=len(inds), num_clips=1)
    return old, AVDecode(audio_margin=margin, **kwargs)(results)


@pytest.mark.parametrize('channels', [1, 2])
def test_one_read_resampled_without_seek(make_av, tmp_path, channels):
    """48 kHz PCM resampled to 16 kHz, a clip near the start (neither read seeks): identical."""
    path = make_av(str(tmp_path / f'ramp{channels}.mkv'), num_frames=100, channels=channels)
    for mono in (True, False):
        old, new = _decode_pair(path, np.arange(10, 26, 2), margin=0.5, mono=mono)
        np.testing.assert_array_equal(new['waveforms'], old['waveforms'])
        np.testing.assert_array_equal(new['audio'], old['audio'])
        assert new['audio_offset'] == old['audio_offset'] and new['audio_valid'] and old['audio_valid']
        assert new['waveforms'].shape[1] == (1 if mono else channels)


def test_one_read_after_seek_on_synthetic_clip(tmp_path):
    """A 4 s synthetic clip (MP4, AAC 16 kHz, sample-exact timestamps): clips late enough that both reads seek, to
    different packets, still get identical audio."""
    cfg = SyntheticAVConfig(width=32, height=32, fps=12, duration=4.0)
    rendered = render_clip(cfg, ClipSpec('test', label=0, index=0))
    path = str(tmp_path / 'long.mp4')
    write_av_file(path, rendered.frames, rendered.audio, cfg.fps, cfg.sample_rate)
    for inds in (np.arange(20, 44, 3), np.arange(30, 48)):
        old, new = _decode_pair(path, inds, margin=0.3)
        assert inds[0] / cfg.fps - 0.1 > 1.0  # the clip's own read seeks
        np.testing.assert_array_equal(new['waveforms'], old['waveforms'])
        np.testing.assert_array_equal(new['audio'], old['audio'])
        assert new['audio_offset'] == old['audio_offset']


def _ramp_lag(wave: np.ndarray, t0: float, rate: int) -> float:
    """Mean of (time the ramp of a generated file encodes - time of the sample), which averages out the 16-bit
    steps."""
    return float(np.mean((wave + 0.8) / 1.6 * 4.0 - (t0 + np.arange(wave.size) / rate)))


def test_one_read_after_seek_matroska(make_av, tmp_path):
    """A clip at 2.6 s of a 4 s Matroska file (1 ms timestamps): the clip read seeks to 2.5 s, the wider one to
    1.5 s. The localizer's audio is the same read; the clip's audio is positioned from another packet's rounded
    timestamp (within half a tick) and, resampled, on another grid phase: within the 1 ms alignment of loading."""
    path = make_av(str(tmp_path / 'ramp.mkv'), num_frames=100)
    inds = np.arange(65, 81, 2)
    t0 = inds[0] / 25
    old, new = _decode_pair(path, inds, margin=1.0, sample_rate=48000)
    np.testing.assert_array_equal(new['audio'], old['audio'])
    lag_old, lag_new = (_ramp_lag(out['waveforms'][0, 0], t0, 48000) for out in (old, new))
    assert abs(lag_old) < 1e-3 and abs(lag_new) < 1e-3 and abs(lag_new - lag_old) <= 5e-4 + 1 / 48000
    old, new = _decode_pair(path, inds, margin=1.0)
    np.testing.assert_array_equal(new['audio'], old['audio'])
    np.testing.assert_allclose(new['waveforms'], old['waveforms'], atol=0.4 * 6e-4)  # ramp: 0.4 per second


def test_audio_margin_arguments():
    with pytest.raises(ValueError, match='audio_margin'):
        AVDecode(audio_margin=0.0)
    with pytest.raises(ValueError, match='decode_audio'):
        AVDecode(decode_audio=False, audio_margin=1.0)
    assert 'audio_margin=1.5' in repr(AVDecode(audio_margin=1.5))



def test_localizer_config_one_read_equals_two_reads(tiny_synthetic_root):
    """configs/localizer/fnac_r18_synthetic.py's evaluation input against AVDecode(decode_audio=False) +
    LocAudioDecode, the form it replaced."""
    cfg = Config.fromfile(str(REPO / 'configs/localizer/fnac_r18_synthetic.py'))
    head = [dict(type='AVInit'), dict(cfg.sample_frames, test_mode=True)]
    tail = [dict(cfg.pick_frame, frame=cfg.test_frame), dict(cfg.spectrogram)]
    old = head + [dict(type='AVDecode', decode_audio=False), dict(type='LocAudioDecode', window=cfg.window)] + tail
    new = head + [dict(t) for t in cfg.decode] + tail
    for line in (tiny_synthetic_root / 'val.txt').read_text().splitlines():
        sample = dict(filename=str(tiny_synthetic_root / line.split()[0]), start_index=0)
        a, b = _run(old, sample, 0), _run(new, sample, 0)
        for key in ('frame_inds', 'audio', 'audio_offset', 'loc_audio', 'loc_audios', 'loc_frame_time'):
            np.testing.assert_array_equal(np.asarray(b[key]), np.asarray(a[key]), err_msg=key)
        assert b['audio_valid'] is a['audio_valid'] is True and b['audio_missing'] is a['audio_missing'] is False
