"""Tests of tools/data/extract_audio.py: content, resume, no-audio/corrupt handling, atomic writes, and the
round trip into AVVideoDataset's pre-extracted audio."""
import json
import wave

import numpy as np
import pytest
from mmengine.registry import init_default_scope

from mmavssl.datasets import AVVideoDataset, BadVideoError

from .conftest import make_video


def _read_wav(path):
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        return np.frombuffer(w.readframes(w.getnframes()), np.int16) / 32768.0


def test_extracts_resumes_and_reports(tmp_path, run_tool, run_tool_subprocess):
    videos = tmp_path / 'videos'
    make_video(videos / 'a' / 'tone.mp4', freq=440)
    make_video(videos / 'b' / 'silent.mp4', audio=False)
    (videos / 'b' / 'broken.mp4').write_bytes(b'not a video')
    out = tmp_path / 'audio'
    res = run_tool_subprocess('extract_audio.py', videos, out, '--workers', '2', '--report', tmp_path / 'r.json')
    assert res.returncode == 1, res.stderr  # one failed video
    assert '3 videos: 1 extracted, 0 already done, 1 without audio, 1 failed' in res.stdout
    assert 'no audio: b/silent.mp4' in res.stdout and 'failed: b/broken.mp4' in res.stdout
    report = json.loads((tmp_path / 'r.json').read_text())
    assert report['no audio'] == ['b/silent.mp4'] and report['failed'][0].startswith('b/broken.mp4')

    audio = _read_wav(out / 'a' / 'tone.wav')
    assert abs(len(audio) - 8000) <= 1024  # 0.5 s (AAC pads to whole 1024-sample frames)
    spectrum = np.abs(np.fft.rfft(audio[:8000]))
    assert abs(np.argmax(spectrum) * 16000 / 8000 - 440) <= 2
    assert abs(np.sqrt(np.mean(audio[:8000]**2)) - 0.3 / np.sqrt(2)) < 0.02
    assert sorted(p.name for p in out.rglob('*')) == ['a', 'tone.wav']  # no temp files left

    before = (out / 'a' / 'tone.wav').stat().st_mtime_ns
    res = run_tool('extract_audio.py', videos, out)
    assert '0 extracted, 1 already done, 1 without audio, 1 failed' in res.stdout
    assert (out / 'a' / 'tone.wav').stat().st_mtime_ns == before


def test_list_file_and_resample(tmp_path, run_tool):
    videos = tmp_path / 'videos'
    make_video(videos / 'x.mp4', seconds=1.0, freq=1000)
    make_video(videos / 'y.mp4')
    (tmp_path / 'l.txt').write_text('x.mp4 0\n')
    res = run_tool('extract_audio.py', videos, tmp_path / 'o', '--list', tmp_path / 'l.txt',
                   '--sample-rate', '8000')
    assert res.returncode == 0, res.stderr
    assert not (tmp_path / 'o' / 'y.wav').exists()
    with wave.open(str(tmp_path / 'o' / 'x.wav')) as w:
        assert w.getframerate() == 8000 and abs(w.getnframes() - 8000) <= 600


def test_bad_inputs(tmp_path, run_tool):
    res = run_tool('extract_audio.py', tmp_path / 'nope', tmp_path / 'o')
    assert res.returncode == 2 and 'is not a folder' in res.stderr
    (tmp_path / 'l.txt').write_text('x.mp4\n')
    res = run_tool('extract_audio.py', tmp_path, tmp_path / 'o', '--list', tmp_path / 'l.txt')
    assert res.returncode == 2 and 'l.txt:1' in res.stderr


def test_dataset_reads_the_extracted_wav(tmp_path, run_tool):
    """extract_audio.py -> AVVideoDataset(data_prefix=dict(audio=...)): the sample's audio is the written wav."""
    videos, out = tmp_path / 'videos', tmp_path / 'audio'
    make_video(videos / 'a' / 'tone.mp4', seconds=1.0, freq=440)
    assert run_tool('extract_audio.py', videos, out).returncode == 0
    (tmp_path / 'list.txt').write_text('a/tone.mp4 0\n')
    init_default_scope('mmavssl')
    pipeline = [dict(type='AVInit'), dict(type='SampleFrames', clip_len=4, frame_interval=1, num_clips=1),
                dict(type='AVDecode')]
    ds = AVVideoDataset(str(tmp_path / 'list.txt'), pipeline, data_prefix=dict(video=str(videos), audio=str(out)),
                        num_classes=1, test_mode=True)
    assert ds.get_data_info(0)['audio_path'] == str(out / 'a' / 'tone.wav')
    sample = ds[0]
    assert sample['audio_valid'] and sample['waveforms'].shape == (1, 1, 8000)  # 4 frames at 8 fps, 16 kHz
    wave_0 = sample['waveforms'][0, 0]
    assert abs(np.argmax(np.abs(np.fft.rfft(wave_0))) * 16000 / len(wave_0) - 440) <= 2
    # the first 0.5 s of the wav, up to the sub-sample shift of AAC's start alignment
    assert np.corrcoef(wave_0, _read_wav(out / 'a' / 'tone.wav')[:8000])[0, 1] > 0.99
    (out / 'a' / 'tone.wav').rename(out / 'a' / 'tone.mp4.wav')  # the name the tool used to write
    with pytest.raises(BadVideoError, match='pre-extracted audio not found'):
        ds.pipeline(ds.get_data_info(0))


def test_videos_sharing_a_wav_are_refused(tmp_path, run_tool):
    make_video(tmp_path / 'v' / 'clip.mp4')
    make_video(tmp_path / 'v' / 'clip.mkv')
    res = run_tool('extract_audio.py', tmp_path / 'v', tmp_path / 'o', '--ext', '.mp4', '.mkv')
    assert res.returncode == 2 and 'clip.mkv and clip.mp4' in res.stderr and not (tmp_path / 'o').exists()
