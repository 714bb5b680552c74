"""Synchronized audio-visual decoding: frames with decord, the audio of the same time span with PyAV.

Time axis: frame ``k`` of a video starts at ``k / fps`` seconds after the first video frame (decord's own
timestamps are unusable for AVI files). A clip with frame indices ``inds`` covers
``[min(inds) / fps, (max(inds) + 1) / fps)``; its waveform is the audio of exactly that span, read at its
presentation time (audio pts minus video start pts), averaged over channels and resampled with
``torchaudio.functional.resample`` (no delay, so sample ``j`` is at time ``j / sample_rate`` exactly).

Pre-decoded input (``mmavssl.apis.inference_recognizer`` with arrays): ``results['video_reader']`` set to an
:class:`ArrayVideoReader` before ``AVInit``, and ``results['audio_array']`` ((C, S) float32, or None for no audio)
with ``results['audio_array_rate']``; sample 0 of the array is at the time of frame 0.
"""
import contextlib
import os
import os.path as osp
import sys
from typing import Iterator, List, Optional, Tuple

import av
import decord
import numpy as np
import torch
import torchaudio.functional as AF
from mmcv.transforms import BaseTransform

from mmavssl.registry import TRANSFORMS
from ..errors import BadVideoError

MISSING_AUDIO_POLICIES = ('zeros', 'raise', 'skip')
# Decoded on both sides of the requested span so that the resampling filter sees real signal at the edges.
_AUDIO_MARGIN_S = 0.1


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Point file descriptor 2 at the null device for the duration of the block.

    decord's FFmpeg and its C++ logger write straight to the descriptor (``ERROR opening: <path>, Invalid
    data ...``), past ``sys.stderr``; :func:`_open_video` raises a :class:`BadVideoError` that says the same in
    one line with what to do, so the raw lines only add noise.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def _open_video(path: str, num_threads: int) -> decord.VideoReader:
    """Open ``path`` with decord or raise :class:`BadVideoError` naming the file."""
    if not osp.isfile(path):
        raise BadVideoError(path, 'file not found; check data_prefix and the annotation file')
    try:
        with _stderr_silenced():
            reader = decord.VideoReader(path, num_threads=num_threads)
    except Exception as err:  # decord raises its own DECORDError and RuntimeError subclasses
        raise BadVideoError(path, f'cannot be read as a video ({err}); re-encode or remove it') from err
    if len(reader) == 0 or reader.get_avg_fps() <= 0:
        raise BadVideoError(path, 'has no decodable video frames; re-encode or remove it')
    return reader


class ArrayVideoReader:
    """The part of decord's ``VideoReader`` the transforms use, over frames already in memory.

    Args:
        frames: (N, H, W, 3) RGB uint8 frames.
        fps: Frame rate.

    Raises:
        ValueError: frames of the wrong shape or type, no frames, or ``fps <= 0``.
    """

    def __init__(self, frames: np.ndarray, fps: float) -> None:
        frames = np.asarray(frames)
        if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8 or len(frames) == 0:
            raise ValueError(f'pre-decoded frames must be a non-empty (N, H, W, 3) uint8 RGB array, got '
                             f'{frames.shape} {frames.dtype}')
        if fps <= 0:
            raise ValueError(f'pre-decoded frames need a positive fps, got {fps}')
        self.frames = frames
        self.fps = float(fps)

    def __len__(self) -> int:
        return len(self.frames)

    def get_avg_fps(self) -> float:
        """The frame rate, as decord's reader reports it."""
        return self.fps

    def get_batch(self, indices: np.ndarray) -> '_Batch':
        """Frames at ``indices`` in an object with decord's ``asnumpy()``."""
        return _Batch(self.frames[np.asarray(indices)])


class _Batch:
    """decord's NDArray surface (``asnumpy``) over a numpy array."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array

    def asnumpy(self) -> np.ndarray:
        return self.array


@TRANSFORMS.register_module()
class AVInit(BaseTransform):
    """Open a video with decord and record its length and frame rate.

    Required keys: ``filename``, unless ``video_reader`` is already set (pre-decoded frames,
    :class:`ArrayVideoReader`). Added keys: ``video_reader``, ``total_frames``, ``avg_fps``.

    Args:
        num_threads: decord decoding threads per reader.

    Raises:
        BadVideoError: missing, unreadable or empty video.
    """

    def __init__(self, num_threads: int = 1) -> None:
        self.num_threads = num_threads

    def transform(self, results: dict) -> dict:
        """Open ``results['filename']``.

        Args:
            results: The sample dict.

        Returns:
            ``results`` with the reader and its metadata.
        """
        reader = results.get('video_reader') or _open_video(results['filename'], self.num_threads)
        results['video_reader'] = reader
        results['total_frames'] = len(reader)
        results['avg_fps'] = float(reader.get_avg_fps())
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(num_threads={self.num_threads})'


def read_audio(path: str, t_start: float, t_end: float, mono: bool = True,
               time_origin: Optional[float] = None) -> Tuple[Optional[np.ndarray], int, float]:
    """Decode the audio of ``[t_start, t_end)`` (plus a small margin) at its native sample rate.

    Args:
        path: Any file FFmpeg reads (video with audio, wav, ...).
        t_start: Span start in seconds on the video time axis.
        t_end: Span end in seconds.
        mono: Average the channels.
        time_origin: Seconds of the container's clock that correspond to ``t = 0``; ``None`` uses the first
            video stream's start time (0 for audio-only files).

    Returns:
        ``(waveform, sample_rate, start)``: float32 array (C, N) whose first sample is at ``start`` seconds on
        the video time axis, or ``(None, 0, 0.0)`` when the file has no audio stream.

    Raises:
        BadVideoError: the file cannot be opened or its audio cannot be decoded.
    """
    try:
        container = av.open(path)
    except Exception as err:  # PyAV raises FileNotFoundError, InvalidDataError and other FFmpegErrors
        raise BadVideoError(path, f'cannot be opened by FFmpeg ({err})') from err
    with container:
        if not container.streams.audio:
            return None, 0, 0.0
        stream = container.streams.audio[0]
        if time_origin is None:
            video = container.streams.video
            time_origin = (float(video[0].start_time * video[0].time_base)
                           if video and video[0].start_time is not None else 0.0)
        stream_start = float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0
        lo, hi = t_start - _AUDIO_MARGIN_S, t_end + _AUDIO_MARGIN_S
        seek_to = lo + time_origin
        if seek_to > stream_start + 1.0:
            container.seek(int(seek_to / stream.time_base), stream=stream, backward=True)
        resampler = av.AudioResampler(format='fltp')
        chunks: List[np.ndarray] = []
        start: Optional[float] = None
        decoded = 0
        try:
            for frame in container.decode(stream):
                if start is None:
                    first_pts = frame.pts if frame.pts is not None else stream.start_time or 0
                    start = float(first_pts * stream.time_base) - time_origin
                    rate = frame.sample_rate
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray())
                    decoded += out.samples
                if start + decoded / rate >= hi:
                    break
            chunks.extend(out.to_ndarray() for out in resampler.resample(None))
        except av.FFmpegError as err:
            raise BadVideoError(path, f'audio stream cannot be decoded ({err}); re-encode the file') from err
    if start is None or not chunks:
        return np.zeros((1, 0), np.float32), stream.codec_context.sample_rate or 16000, 0.0
    waveform = np.concatenate(chunks, axis=1).astype(np.float32)
    # Channel mean rather than FFmpeg's down-mix matrix, whose gain depends on the layout (5.1 -> 3.4x).
    return (waveform.mean(0, keepdims=True) if mono else waveform), rate, start


def read_source_audio(results: dict, t_start: float, t_end: float,
                      mono: bool = True) -> Tuple[Optional[np.ndarray], int, float]:
    """:func:`read_audio` of a sample's audio source: the pre-decoded array, ``audio_path`` or the video.

    Args:
        results: Pipeline results with ``audio_array`` (+ ``audio_array_rate``), ``audio_path`` or
            ``filename``.
        t_start: Span start in seconds on the video time axis.
        t_end: Span end in seconds.
        mono: Average the channels.

    Returns:
        As :func:`read_audio`; a pre-decoded array is returned whole (it starts at 0 s).

    Raises:
        BadVideoError: missing pre-extracted audio file, or an unreadable file.
    """
    if 'audio_array' in results:
        array = results['audio_array']
        if array is None:
            return None, 0, 0.0
        array = np.asarray(array, np.float32)
        array = array[None] if array.ndim == 1 else array
        return (array.mean(0, keepdims=True) if mono else array), int(results['audio_array_rate']), 0.0
    if results.get('audio_path'):
        if not osp.isfile(results['audio_path']):
            raise BadVideoError(results['audio_path'], 'pre-extracted audio not found; run '
                                'tools/data/extract_audio.py or drop the audio prefix from data_prefix')
        # A pre-extracted file starts at the video's first frame, so its own clock is the time axis.
        return read_audio(results['audio_path'], t_start, t_end, mono, 0.0)
    return read_audio(results['filename'], t_start, t_end, mono)


def slice_span(waveform: np.ndarray, start: float, t_start: float, t_end: float,
               sample_rate: int) -> np.ndarray:
    """Cut ``[t_start, t_end)`` out of a waveform that starts at ``start`` seconds, zero-padding gaps.

    Args:
        waveform: (C, N) samples at ``sample_rate``; sample ``j`` is at ``start + j / sample_rate``.
        start: Time of the first sample.
        t_start: Span start in seconds.
        t_end: Span end in seconds.
        sample_rate: Samples per second.

    Returns:
        (C, round((t_end - t_start) * sample_rate)) float32; zeros where the audio does not reach.
    """
    length = int(round((t_end - t_start) * sample_rate))
    first = int(round((t_start - start) * sample_rate))
    out = np.zeros((waveform.shape[0], length), np.float32)
    src_lo, src_hi = max(first, 0), min(first + length, waveform.shape[1])
    if src_hi > src_lo:
        out[:, src_lo - first:src_hi - first] = waveform[:, src_lo:src_hi]
    return out


def context_span(frame_inds: np.ndarray, fps: float, margin: float) -> Tuple[float, float]:
    """The seconds ``[min(frame_inds) / fps - margin, (max(frame_inds) + 1) / fps + margin]``, clipped at 0.

    Args:
        frame_inds: Video frame indices (any shape).
        fps: Frame rate.
        margin: Seconds added on each side of the frames' span.

    Returns:
        ``(t_start, t_end)`` in seconds on the video time axis.
    """
    inds = np.asarray(frame_inds).reshape(-1)
    return max(float(inds.min()) / fps - margin, 0.0), (float(inds.max()) + 1) / fps + margin


def context_audio(waveform: Optional[np.ndarray], rate: int, start: float, t_start: float, t_end: float,
                  sample_rate: int) -> Tuple[np.ndarray, float, bool]:
    """The mono waveform of a read as the localizer's ``audio``, or silence when there is none.

    Args:
        waveform: (1, N) mono samples at ``rate`` starting at ``start`` seconds (as :func:`read_source_audio`
            returns them), or None for a file without an audio stream.
        rate: Sample rate of ``waveform``.
        start: Time of its first sample.
        t_start: Start of the span that was read (the offset of the silence).
        t_end: End of that span.
        sample_rate: Output rate; the waveform is resampled when ``rate`` differs.

    Returns:
        ``(audio, audio_offset, audio_valid)``: float32 (S,) at ``sample_rate`` whose first sample is at
        ``audio_offset`` seconds; ``round((t_end - t_start) * sample_rate)`` zeros at ``t_start`` and False for
        no audio stream or an empty read.
    """
    if waveform is None or waveform.shape[1] == 0:
        return np.zeros(int(round((t_end - t_start) * sample_rate)), np.float32), t_start, False
    audio = waveform[0]
    if rate != sample_rate:
        audio = AF.resample(torch.from_numpy(audio), rate, sample_rate).numpy()
    return audio.astype(np.float32), start, True


@TRANSFORMS.register_module()
class AVDecode(BaseTransform):
    """Decode the sampled frames and, per clip, the audio covering the same time span.

    Required keys: ``filename``, ``video_reader``, ``avg_fps``, ``frame_inds``, ``clip_len``, ``num_clips``;
    optional ``audio_path`` (a pre-extracted wav read instead of the video's audio stream).
    Added keys: ``imgs`` (list of (H, W, 3) uint8 frames, clip-major), ``original_shape``, ``img_shape``,
    ``waveforms`` (float32 (num_clips, C, S)), ``audio_sample_rate``, ``audio_valid``, ``audio_missing``
    (True for a file without an audio stream), ``clip_spans`` ((num_clips, 2) seconds). Removes ``video_reader``.
    With ``audio_margin`` also ``audio`` (float32 (S',) mono) and ``audio_offset`` (seconds of ``audio[0]``), the
    input of :class:`LocAudioWindow`.

    Use ``SampleFrames(out_of_bound_opt='repeat_last')`` so that a clip longer than the video keeps monotone
    indices; its audio then covers the real part and zero-pads the rest.

    One read per sample: the audio is opened and decoded once, over the clips' span or, with ``audio_margin``,
    over ``[min(frame) / fps - audio_margin, (max(frame) + 1) / fps + audio_margin]`` (clipped at 0).
    ``waveforms`` is cut out of that read at exactly each clip's span (``AudioFbank`` sees the clip's audio
    whatever the margin) and ``audio`` is the whole read, the samples a separate
    ``LocAudioDecode(window=audio_margin)`` gives. ``waveforms`` equals that of a read of the clips' span alone
    when both reads start at the same audio packet (no seek: clips starting in the first 1.1 s of the stream,
    such as every clip of the synthetic set) or, after seeks to different packets, for a source at
    ``sample_rate`` with sample-exact timestamps (MP4). Otherwise the clip is cut from the same decoded signal
    but placed by another packet's timestamp (Matroska's 1 ms ticks: up to 0.5 ms apart) and, when resampled,
    on another sub-sample grid phase: within the same alignment tolerance as a read of the span alone.

    Args:
        sample_rate: Output audio rate in Hz.
        mono: Down-mix to one channel (``audio`` is always the channel mean).
        missing_audio: Policy for a file without an audio stream: ``'zeros'`` (silent waveform and
            ``audio_valid=False``), ``'raise'`` (error naming the file) or ``'skip'`` (a
            :class:`BadVideoError` the dataset turns into a counted skip during training); ``'raise'`` raises
            a plain ``RuntimeError`` that no dataset policy swallows.
        decode_audio: Set False for a video-only pipeline (no ``waveforms``; ``audio_valid`` False).
        audio_margin: Seconds of audio kept on each side of the sampled frames as ``audio`` for the localizer
            (at least half the ``LocAudioWindow`` window, so that a window centred on any frame fits), or None
            for no ``audio``. With it ``audio_valid`` is also False for an audio stream that decodes to nothing
            (``audio`` silence), as :class:`LocAudioDecode` reports it.
    """

    def __init__(self, sample_rate: int = 16000, mono: bool = True, missing_audio: str = 'zeros',
                 decode_audio: bool = True, audio_margin: Optional[float] = None) -> None:
        if missing_audio not in MISSING_AUDIO_POLICIES:
            raise ValueError(f'missing_audio={missing_audio!r}; choose one of {MISSING_AUDIO_POLICIES}')
        if sample_rate <= 0:
            raise ValueError(f'sample_rate must be positive, got {sample_rate}')
        if audio_margin is not None and (audio_margin <= 0 or not decode_audio):
            raise ValueError(f'AVDecode: audio_margin must be > 0 seconds and needs decode_audio=True, got '
                             f'audio_margin={audio_margin}, decode_audio={decode_audio}')
        self.sample_rate = sample_rate
        self.mono = mono
        self.missing_audio = missing_audio
        self.decode_audio = decode_audio
        self.audio_margin = audio_margin

    def transform(self, results: dict) -> dict:
        """Decode frames and audio.

        Args:
            results: The sample dict after ``AVInit`` and ``SampleFrames``.

        Returns:
            ``results`` with frames, per-clip waveforms and spans (and ``audio`` with ``audio_margin``).
        """
        reader = results.pop('video_reader')
        path = results.get('filename', 'pre-decoded frames')
        inds = np.asarray(results['frame_inds']).reshape(-1).astype(np.int64)
        try:
            frames = reader.get_batch(inds).asnumpy()
        except Exception as err:  # decord errors on truncated or corrupt streams
            raise BadVideoError(path, f'frames {inds.min()}..{inds.max()} cannot be decoded ({err})') from err
        results['imgs'] = list(frames)
        results['original_shape'] = results['img_shape'] = frames.shape[1:3]

        fps = results['avg_fps']
        clips = inds.reshape(results['num_clips'], -1)
        spans = np.stack([clips.min(1) / fps, (clips.max(1) + 1) / fps], axis=1)
        results['clip_spans'] = spans
        results['audio_sample_rate'] = self.sample_rate
        if self.decode_audio:
            # Invalid only for a file without an audio stream (with audio_margin also for one that decodes to
            # nothing); video-only pipelines are not "missing".
            results.update(self._audio(results, spans, inds, float(fps)))
            results['audio_missing'] = not results['audio_valid']
        else:
            results['audio_valid'] = False
        return results

    def _audio(self, results: dict, spans: np.ndarray, inds: np.ndarray, fps: float) -> dict:
        """Read the audio once, cut every clip span (+ the localizer's ``audio``); apply the missing-audio policy."""
        source = results.get('audio_path') or results.get('filename', 'pre-decoded audio')
        if self.audio_margin is None:
            t_start, t_end = float(spans[:, 0].min()), float(spans[:, 1].max())
        else:
            t_start, t_end = context_span(inds, fps, self.audio_margin)
        waveform, rate, start = read_source_audio(results, t_start, t_end, self.mono)
        channels = 1 if self.mono or waveform is None else waveform.shape[0]
        loc = (None, self.sample_rate)  # the localizer's mono read and its rate (None: no audio stream)
        if waveform is None:
            if self.missing_audio != 'zeros':
                error = BadVideoError(source, 'has no audio stream; use missing_audio="zeros" to train on it '
                                              'with audio_valid=False, or remove it from the list')
                # 'skip' lets the dataset count and skip it; 'raise' must stop training, so not a BadVideoError.
                raise error if self.missing_audio == 'skip' else RuntimeError(str(error))
            lengths = np.round((spans[:, 1] - spans[:, 0]) * self.sample_rate).astype(int)
            out = dict(waveforms=np.zeros((len(spans), channels, int(lengths.max())), np.float32), audio_valid=False)
        else:
            if self.audio_margin is not None and not self.mono:
                # the channel mean as read_source_audio(mono=True) computes it, resampled on its own
                loc = (waveform.mean(0, keepdims=True), rate)
            if rate != self.sample_rate and waveform.shape[1] > 0:
                waveform = AF.resample(torch.from_numpy(waveform), rate, self.sample_rate).numpy()
            if self.mono:
                loc = (waveform, self.sample_rate)  # the read itself, already at the output rate
            clips = [slice_span(waveform, start, t0, t1, self.sample_rate) for t0, t1 in spans]
            # Clips of equal duration can differ by one sample through rounding; pad to a common length.
            length = max(c.shape[1] for c in clips)
            out = dict(waveforms=np.stack([np.pad(c, ((0, 0), (0, length - c.shape[1]))) for c in clips]),
                       audio_valid=True)
        if self.audio_margin is not None:
            audio, offset, valid = context_audio(*loc, start, t_start, t_end, self.sample_rate)
            # an audio stream that decodes to nothing is silence and invalid, as LocAudioDecode reports it
            out.update(audio=audio, audio_offset=offset, audio_valid=out['audio_valid'] and valid)
        return out

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(sample_rate={self.sample_rate}, mono={self.mono}, '
                f'missing_audio={self.missing_audio!r}, decode_audio={self.decode_audio}, '
                f'audio_margin={self.audio_margin})')
