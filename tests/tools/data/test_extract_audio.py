"""Tests of tools/data/extract_audio.py: content, resume, no-audio/corrupt handling, atomic writes."""
import json
import wave

import numpy as np

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

    audio = _read_wav(out / 'a' / 'tone.mp4.wav')
    assert abs(len(audio) - 8000) <= 1024  # 0.5 s (AAC pads to whole 1024-sample frames)
    spectrum = np.abs(np.fft.rfft(audio[:8000]))
    assert abs(np.argmax(spectrum) * 16000 / 8000 - 440) <= 2
    assert abs(np.sqrt(np.mean(audio[:8000]**2)) - 0.3 / np.sqrt(2)) < 0.02
    assert sorted(p.name for p in out.rglob('*')) == ['a', 'tone.mp4.wav']  # no temp files left

    before = (out / 'a' / 'tone.mp4.wav').stat().st_mtime_ns
    res = run_tool('extract_audio.py', videos, out)
    assert '0 extracted, 1 already done, 1 without audio, 1 failed' in res.stdout
    assert (out / 'a' / 'tone.mp4.wav').stat().st_mtime_ns == before


def test_list_file_and_resample(tmp_path, run_tool):
    videos = tmp_path / 'videos'
    make_video(videos / 'x.mp4', seconds=1.0, freq=1000)
    make_video(videos / 'y.mp4')
    (tmp_path / 'l.txt').write_text('x.mp4 0\n')
    res = run_tool('extract_audio.py', videos, tmp_path / 'o', '--list', tmp_path / 'l.txt',
                   '--sample-rate', '8000')
    assert res.returncode == 0, res.stderr
    assert not (tmp_path / 'o' / 'y.mp4.wav').exists()
    with wave.open(str(tmp_path / 'o' / 'x.mp4.wav')) as w:
        assert w.getframerate() == 8000 and abs(w.getnframes() - 8000) <= 600


def test_bad_inputs(tmp_path, run_tool):
    res = run_tool('extract_audio.py', tmp_path / 'nope', tmp_path / 'o')
    assert res.returncode == 2 and 'is not a folder' in res.stderr
    (tmp_path / 'l.txt').write_text('x.mp4\n')
    res = run_tool('extract_audio.py', tmp_path, tmp_path / 'o', '--list', tmp_path / 'l.txt')
    assert res.returncode == 2 and 'l.txt:1' in res.stderr
