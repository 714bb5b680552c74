"""Synchronized decoding: frame/audio alignment, codecs, real media and every bad-input case."""
import os.path as osp

import av
import numpy as np
import pytest
from mmaction.datasets.transforms import SampleFrames

from mmavssl.datasets import BadVideoError
from mmavssl.datasets.transforms import AVDecode, AVInit


def decode(path, clip_len=8, interval=2, num_clips=3, test_mode=True, **kwargs):
    """AVInit -> SampleFrames -> AVDecode on one file."""
    results = AVInit()(dict(filename=path, start_index=0))
    results = SampleFrames(clip_len, interval, num_clips=num_clips, test_mode=test_mode,
                           out_of_bound_opt='repeat_last')(results)
    return AVDecode(**kwargs)(results)


def write_wav(path, signal, rate):
    """Write a mono PCM wav with PyAV (as tools/data/extract_audio.py does)."""
    with av.open(path, 'w') as out:
        stream = out.add_stream('pcm_s16le', rate=rate)
        stream.layout = 'mono'
        frame = av.AudioFrame.from_ndarray(signal[None].astype(np.float32), format='fltp', layout='mono')
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


@pytest.mark.parametrize('use_wav', [False, True])
def test_frames_and_audio_aligned_within_1ms(media_dir, media_helpers, tmp_path, use_wav):
    path = osp.join(media_dir, 'sync.mkv')  # 4 s: later clips go through the seek path
    results = AVInit()(dict(filename=path, start_index=0))
    # Clips away from t = 0, where resampling sees the file's (zero-padded) start.
    results['frame_inds'] = np.concatenate([np.arange(s, s + 32, 4) for s in (5, 40, 66)])
    results['clip_len'], results['num_clips'] = 8, 3
    if use_wav:
        wav = str(tmp_path / 'sync.wav')
        write_wav(wav, media_helpers['ramp'](np.arange(4 * 16000) / 16000, 4.0), 16000)
        results['audio_path'] = wav
    results = AVDecode(sample_rate=16000)(results)
    inds = results['frame_inds'].reshape(3, 8)
    assert results['audio_valid']
    assert results['clip_spans'][-1, 0] > 1.2  # exercised seeking
    for clip, (t0, t1), wave in zip(inds, results['clip_spans'], results['waveforms']):
        grey = [int(results['imgs'][i][0, 0, 0]) for i in np.flatnonzero(np.isin(results['frame_inds'], clip))]
        assert all(abs(g - media_helpers['frame_value'](k)) <= 1 for g, k in zip(grey, clip))
        assert t0 == pytest.approx(clip[0] / 25) and t1 == pytest.approx((clip[-1] + 1) / 25)
        assert wave.shape == (1, round((t1 - t0) * 16000))
        # Invert the ramp: the time each sample encodes vs the time it is supposed to be at.
        encoded = (wave[0] + 0.8) / 1.6 * 4.0
        expected = t0 + np.arange(wave.shape[1]) / 16000
        assert np.abs(encoded - expected).max() < 1e-3


@pytest.mark.parametrize('name,vcodec,acodec,channels', [
    ('h264_opus.mkv', 'libx264', 'libopus', 2),
    ('vp8_vorbis.webm', 'libvpx', 'vorbis', 2),
    ('mpeg4_mp3.avi', 'mpeg4', 'libmp3lame', 2),
    ('h264_aac51.mp4', 'libx264', 'aac', 6),
])
def test_container_and_codec_variety(tmp_path, make_av, name, vcodec, acodec, channels):
    tone = lambda t: 0.5 * np.sin(2 * np.pi * 440 * t)  # noqa: E731  lossy codecs drop a ramp's DC content
    path = make_av(str(tmp_path / name), num_frames=50, vcodec=vcodec, acodec=acodec, channels=channels,
                   signal=tone)
    results = decode(path)
    assert results['audio_valid'] and len(results['imgs']) == 24
    for wave in results['waveforms']:
        spectrum = np.abs(np.fft.rfft(wave[0]))
        assert np.fft.rfftfreq(wave.shape[1], 1 / 16000)[spectrum.argmax()] == pytest.approx(440, abs=10)
        assert np.sqrt((wave[0] ** 2).mean()) == pytest.approx(0.5 / np.sqrt(2), rel=0.2)


def test_real_ucf_avi_with_mp3(ucf_avi):
    results = decode(ucf_avi, clip_len=8, interval=8, num_clips=2)
    assert results['audio_valid'] and results['imgs'][0].shape == (240, 320, 3)
    assert results['waveforms'].shape == (2, 1, round(57 / 25 * 16000))  # 8 frames x 8 -> 57 frame periods
    assert np.abs(results['waveforms']).mean() > 1e-3


def test_real_bigbuckbunny_aac_51_48k(bbb_mp4):
    results = decode(bbb_mp4, clip_len=8, interval=4, num_clips=2, sample_rate=22050)
    assert results['audio_valid'] and results['imgs'][0].shape == (720, 1280, 3)
    assert results['waveforms'].shape == (2, 1, round(29 / 25 * 22050))  # 7 x 4 + 1 frame periods
    assert np.abs(results['waveforms']).mean() > 1e-3


def test_stereo_kept_when_not_mono(ucf_avi):
    assert decode(ucf_avi, num_clips=1, mono=False)['waveforms'].shape[1] == 2


def test_clip_longer_than_video_repeats_last_frame_and_pads_audio(media_dir):
    results = decode(osp.join(media_dir, 'short.mkv'), clip_len=8, interval=4, num_clips=1)
    assert results['frame_inds'].tolist() == [0, 4, 8, 8, 8, 8, 8, 8] and len(results['imgs']) == 8
    t0, t1 = results['clip_spans'][0]
    assert (t0, t1) == (0.0, pytest.approx(0.36))  # ends with the last sampled frame
    assert results['waveforms'].shape == (1, 1, 5760)


def test_audio_shorter_than_video_is_zero_padded(media_dir):
    results = AVInit()(dict(filename=osp.join(media_dir, 'halfaudio.mkv'), start_index=0))
    results['frame_inds'], results['clip_len'], results['num_clips'] = np.arange(20, 40), 20, 1  # 0.8-1.6 s
    wave = AVDecode()(results)['waveforms'][0, 0]
    assert np.abs(wave[:int(0.15 * 16000)]).min() > 0.1  # real audio up to 1.0 s (ramp near +0.8)
    assert np.abs(wave[int(0.25 * 16000):]).max() == 0.0  # zeros after the audio ends


def test_no_audio_stream_policies(media_dir):
    path = osp.join(media_dir, 'noaudio.mkv')
    results = decode(path, clip_len=4, num_clips=2)
    assert results['audio_valid'] is False and results['audio_missing'] is True
    assert results['waveforms'].shape == (2, 1, round(7 / 25 * 16000)) and not results['waveforms'].any()
    assert decode(osp.join(media_dir, 'sync.mkv'), clip_len=4)['audio_missing'] is False
    with pytest.raises(BadVideoError, match='noaudio.mkv.*no audio stream'):
        decode(path, clip_len=4, missing_audio='skip')
    with pytest.raises(RuntimeError, match='noaudio.mkv') as info:
        decode(path, clip_len=4, missing_audio='raise')
    assert not isinstance(info.value, BadVideoError)


def test_video_only_pipeline_skips_audio(media_dir):
    results = decode(osp.join(media_dir, 'sync.mkv'), decode_audio=False)
    assert results['audio_valid'] is False and 'waveforms' not in results
    assert 'audio_missing' not in results  # not a missing stream: the pipeline does not want audio


@pytest.mark.parametrize('content', [None, b'', b'\x00garbage' * 100])
def test_missing_empty_corrupt_files_raise_naming_the_file(tmp_path, content):
    path = tmp_path / 'bad.mp4'
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(BadVideoError, match='bad.mp4') as info:
        AVInit()(dict(filename=str(path)))
    assert info.value.path == str(path)


def test_missing_preextracted_wav(media_dir, tmp_path):
    results = AVInit()(dict(filename=osp.join(media_dir, 'sync.mkv'), start_index=0))
    results = SampleFrames(4, 1, num_clips=1, test_mode=True)(results)
    results['audio_path'] = str(tmp_path / 'missing.wav')
    with pytest.raises(BadVideoError, match='missing.wav.*extract_audio'):
        AVDecode()(results)


def test_bad_config_values():
    with pytest.raises(ValueError, match='missing_audio'):
        AVDecode(missing_audio='ignore')
    with pytest.raises(ValueError, match='sample_rate'):
        AVDecode(sample_rate=0)
