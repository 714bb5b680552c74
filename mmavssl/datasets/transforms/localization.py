"""Inputs of the FNAC localizer: one frame, a 3 s audio window centred on it, and FNAC's log spectrogram.

Result keys shared with the decoding transforms: ``audio`` (float32 (S,) mono waveform), ``audio_sample_rate``
(int), optional ``audio_offset`` (time in seconds of ``audio[0]`` in the video, default 0), ``imgs`` (list of
H x W x 3 uint8), ``frame_inds`` (video frame indices), ``avg_fps``, as the toolbox's decoding transforms produce them.
"""
import json
import os
import os.path as osp
from math import gcd
from typing import Dict, Optional

import numpy as np
from mmcv.transforms import BaseTransform
from scipy import signal

from mmavssl.registry import TRANSFORMS
from .loading import context_audio, context_span, read_source_audio


def _fit_length(wave: np.ndarray, length: int) -> np.ndarray:
    """Tile a too-short waveform (FNAC's rule) and cut it to ``length`` samples; silence if empty."""
    if wave.size == 0:
        return np.zeros(length, dtype=np.float32)
    if wave.size < length:
        wave = np.tile(wave, length // wave.size + 1)
    return wave[:length]


def _local_energy(wave: np.ndarray, centre: float, length: float) -> float:
    """Sum of squares of ``wave`` over ``length`` samples centred on sample ``centre`` (clipped to the wave)."""
    start = max(int(round(centre - length / 2)), 0)
    segment = wave[start:max(int(round(centre + length / 2)), start)]
    return float(np.dot(segment, segment))


@TRANSFORMS.register_module()
class LocAudioWindow(BaseTransform):
    """Pick a frame and cut the audio window centred on its time (FNAC: 3 s).

    Required keys: ``audio``, ``audio_sample_rate``, ``frame_inds``, ``avg_fps``; optional ``audio_offset``,
    ``imgs``. Added keys: ``loc_audio`` (float32 (window * sample_rate,)), ``loc_audio_sample_rate``,
    ``loc_frame_time`` (seconds). With ``keep_single_frame`` the picked frame replaces ``imgs``/``frame_inds``
    and ``clip_len = num_clips = 1`` (localizer training); otherwise the clip is untouched (the strong view of
    semi-supervised training, whose T frames share one spectrogram).

    A window that would cross the start or end of the audio is shifted inside it; audio shorter than the
    window is tiled, as FNAC does.

    Args:
        window: Window length in seconds.
        frame: ``'center'`` (frame ``len(frame_inds) // 2``), ``'random'`` or ``'loudest'``: the frame whose
            audio neighbourhood (one frame period centred on its time) has the most energy, i.e. the moment the
            clip sounds most (chosen from the audio alone, so it is usable for training and evaluation).
        keep_single_frame: Reduce the clip to the picked frame.
        sample_rate: Output rate; the window is resampled (polyphase) when the source rate differs. None keeps
            the source rate.
    """

    def __init__(self, window: float = 3.0, frame: str = 'center', keep_single_frame: bool = False,
                 sample_rate: Optional[int] = 16000) -> None:
        if frame not in ('center', 'random', 'loudest'):
            raise ValueError(f"LocAudioWindow: frame must be 'center', 'random' or 'loudest', got {frame!r}")
        if window <= 0:
            raise ValueError(f'LocAudioWindow: window must be > 0 seconds, got {window}')
        self.window = window
        self.frame = frame
        self.keep_single_frame = keep_single_frame
        self.sample_rate = sample_rate

    def transform(self, results: Dict) -> Dict:
        """Cut the window (see class docstring).

        Args:
            results: Pipeline results.

        Returns:
            ``results`` with the added keys.
        """
        for key in ('audio', 'audio_sample_rate', 'frame_inds', 'avg_fps'):
            if key not in results:
                raise KeyError(f'LocAudioWindow needs results[{key!r}] ({results.get("filename", "?")}): decode '
                               'with AVDecode(audio_margin=...) (or add LocAudioDecode) before it')
        frame_inds = np.asarray(results['frame_inds'])
        src_rate = int(results['audio_sample_rate'])
        wave = np.asarray(results['audio'], dtype=np.float32).reshape(-1)
        fps, offset = float(results['avg_fps']), float(results.get('audio_offset', 0.0))
        if self.frame == 'center':
            pick = len(frame_inds) // 2
        elif self.frame == 'random':
            pick = np.random.randint(len(frame_inds))
        else:
            pick = int(np.argmax([_local_energy(wave, (i / fps - offset) * src_rate, src_rate / fps)
                                  for i in frame_inds]))
        time = float(frame_inds[pick]) / fps
        length = int(round(self.window * src_rate))
        centre = int(round((time - offset) * src_rate))
        start = min(max(centre - length // 2, 0), max(wave.size - length, 0))
        segment = _fit_length(wave[start:start + length], length)
        out_rate = src_rate if self.sample_rate is None else int(self.sample_rate)
        if out_rate != src_rate:
            div = gcd(out_rate, src_rate)
            segment = signal.resample_poly(segment, out_rate // div, src_rate // div).astype(np.float32)
            segment = _fit_length(segment, int(round(self.window * out_rate)))
        results.update(loc_audio=segment.astype(np.float32), loc_audio_sample_rate=out_rate, loc_frame_time=time)
        if self.keep_single_frame:
            results['frame_inds'] = frame_inds[pick:pick + 1]
            results['clip_len'] = results['num_clips'] = 1
            if 'imgs' in results:
                results['imgs'] = [results['imgs'][pick]]
        return results


@TRANSFORMS.register_module()
class FNACSpectrogram(BaseTransform):
    """FNAC/EZ-VSL log spectrogram of ``loc_audio`` -> ``loc_audios`` (1, F, S) float32.

    ``scipy.signal.spectrogram(nperseg=512, noverlap=274)`` (Tukey window, density scaling, one-sided:
    257 bins, hop 238; 3 s at 16 kHz -> 200 frames), ``log(x + 1e-7)``, optional SpecAugment-style frequency
    and time masks (zero fill, widths uniform in [0, max_width)), then division by 12.

    Args:
        nperseg: Segment length.
        noverlap: Overlap between segments.
        eps: Added before the log.
        scale: Divisor after the log (FNAC's Normalize(0, 12)).
        freq_mask: Maximum frequency-mask width (exclusive); 0 disables it.
        time_mask: Maximum time-mask width (exclusive); 0 disables it.
        augment: Apply the masks (training pipelines).
        in_key: Waveform key (its rate is read from ``loc_audio_sample_rate``).
        out_key: Output key.
    """

    def __init__(self, nperseg: int = 512, noverlap: int = 274, eps: float = 1e-7, scale: float = 12.0,
                 freq_mask: int = 10, time_mask: int = 10, augment: bool = False, in_key: str = 'loc_audio',
                 out_key: str = 'loc_audios') -> None:
        if not 0 <= noverlap < nperseg:
            raise ValueError(f'FNACSpectrogram: need 0 <= noverlap < nperseg, got {noverlap}, {nperseg}')
        self.nperseg = nperseg
        self.noverlap = noverlap
        self.eps = eps
        self.scale = scale
        self.freq_mask = freq_mask
        self.time_mask = time_mask
        self.augment = augment
        self.in_key = in_key
        self.out_key = out_key

    @staticmethod
    def _mask(spec: np.ndarray, axis: int, max_width: int) -> None:
        """Zero a random band of width in [0, max_width) along ``axis`` (1 = frequency, 2 = time), in place."""
        if max_width <= 0:
            return
        start = np.random.randint(spec.shape[axis])
        width = np.random.randint(max_width)
        index = [slice(None)] * 3
        index[axis] = slice(start, start + width)
        spec[tuple(index)] = 0

    def transform(self, results: Dict) -> Dict:
        """Compute the spectrogram (see class docstring).

        Args:
            results: Pipeline results with ``in_key`` and ``loc_audio_sample_rate``.

        Returns:
            ``results`` with ``out_key`` (1, nperseg // 2 + 1, S) float32.
        """
        if self.in_key not in results:
            raise KeyError(f'FNACSpectrogram needs results[{self.in_key!r}] ({results.get("filename", "?")}): '
                           'put LocAudioWindow before it')
        wave = np.asarray(results[self.in_key], dtype=np.float64)
        if wave.size < self.nperseg:
            raise ValueError(f'FNACSpectrogram: {wave.size} samples is shorter than nperseg={self.nperseg} '
                             f'({results.get("filename", "?")}); use a longer LocAudioWindow window')
        _, _, spec = signal.spectrogram(wave, results['loc_audio_sample_rate'], nperseg=self.nperseg,
                                        noverlap=self.noverlap)
        spec = np.log(spec + self.eps)[None].astype(np.float32)
        if self.augment:
            self._mask(spec, 1, self.freq_mask)
            self._mask(spec, 2, self.time_mask)
        results[self.out_key] = spec / self.scale
        return results


@TRANSFORMS.register_module()
class LocAudioDecode(BaseTransform):
    """Decode the mono audio around given frames for :class:`LocAudioWindow`, without decoding frames.

    Reads the audio of ``[min(frame) / fps - window, (max(frame) + 1) / fps + window]`` (clipped at 0), so that
    :class:`LocAudioWindow` can centre, shift or tile its window whichever frame it picks. For
    :func:`mmavssl.apis.localize_video`, which decodes the frames itself. A pipeline that decodes frames with
    ``AVDecode`` gets the same ``audio`` from ``AVDecode(audio_margin=window)`` in the same read as the clips'
    audio; this transform after it would open and decode the file a second time.

    Required keys: ``filename`` (or ``audio_path``, or ``audio_array``), ``frame_inds``, ``avg_fps``. Added
    keys: ``audio`` (float32 (S,)), ``audio_offset`` (seconds of ``audio[0]``), ``audio_sample_rate`` (kept if
    set earlier; it must then equal ``sample_rate``), ``audio_valid`` (False and silence for a file without an
    audio stream) and ``audio_missing`` (True for such a file).

    Args:
        window: Seconds decoded on each side of the frames (>= half the window of :class:`LocAudioWindow`).
        sample_rate: Output rate in Hz.
    """

    def __init__(self, window: float = 3.0, sample_rate: int = 16000) -> None:
        if window <= 0 or sample_rate <= 0:
            raise ValueError(f'LocAudioDecode: window and sample_rate must be > 0, got {window}, {sample_rate}')
        self.window = window
        self.sample_rate = sample_rate

    def transform(self, results: Dict) -> Dict:
        """Decode the audio (see class docstring).

        Args:
            results: Pipeline results with ``frame_inds`` and ``avg_fps``.

        Returns:
            ``results`` with the added keys.
        """
        rate = int(results.get('audio_sample_rate', self.sample_rate))
        if rate != self.sample_rate:
            raise ValueError(f'LocAudioDecode(sample_rate={self.sample_rate}) disagrees with '
                             f'audio_sample_rate={rate} set earlier in the pipeline; use one rate')
        t_start, t_end = context_span(results['frame_inds'], float(results['avg_fps']), self.window)
        waveform, src_rate, start = read_source_audio(results, t_start, t_end)
        audio, offset, valid = context_audio(waveform, src_rate, start, t_start, t_end, rate)
        results.update(audio=audio, audio_offset=offset, audio_sample_rate=rate, audio_valid=valid)
        results['audio_missing'] = results.get('audio_missing', False) or not valid
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(window={self.window}, sample_rate={self.sample_rate})'


@TRANSFORMS.register_module()
class LoadSourceBoxes(BaseTransform):
    """Set ``gt_boxes`` of the sampled frame from a synthetic dataset's ``annotations.json``.

    The file is read once (at construction). The frame is ``frame_inds[len(frame_inds) // 2]`` (the frame
    :class:`LocAudioWindow` picks with ``frame='center'``; the only frame after ``keep_single_frame``).
    Boxes (``x1, y1, x2, y2`` pixels of the decoded frame, x2/y2 exclusive) are scaled by
    ``img_shape / original_shape``, so the transform works before or after any ``Resize``. Crops are not
    supported: a result with ``crop_bbox`` raises (evaluate on resized, uncropped frames).

    Required keys: ``filename``, ``frame_inds``, ``original_shape`` and ``img_shape`` (set by ``AVDecode``).
    Added key: ``gt_boxes`` float32 (n, 4) (n = 1: the sounding object).

    Args:
        ann_file: ``annotations.json``; its videos' keys are paths relative to its folder.
    """

    def __init__(self, ann_file: str) -> None:
        if not osp.isfile(ann_file):
            raise FileNotFoundError(f'LoadSourceBoxes: {ann_file} not found; generate the dataset with '
                                    'tools/data/synthetic/generate.py or fix ann_file')
        with open(ann_file) as f:
            self.videos = json.load(f)['videos']
        self.ann_file = ann_file
        self.root = osp.dirname(osp.abspath(ann_file))

    def transform(self, results: Dict) -> Dict:
        """Look up and scale the boxes (see class docstring).

        Args:
            results: Pipeline results.

        Returns:
            ``results`` with ``gt_boxes``.
        """
        if 'crop_bbox' in results:
            raise ValueError('LoadSourceBoxes does not follow crops; evaluate on resized, uncropped frames')
        key = osp.relpath(osp.abspath(results['filename']), self.root).replace(os.sep, '/')
        if key not in self.videos:
            raise KeyError(f'LoadSourceBoxes: {key} is not in {self.ann_file}; the list and the annotations '
                           'must come from the same dataset folder')
        boxes = self.videos[key]['source_boxes']
        inds = np.asarray(results['frame_inds']).reshape(-1)
        frame = int(min(inds[len(inds) // 2], len(boxes) - 1))
        scale_h, scale_w = (np.asarray(results['img_shape'][:2], np.float32)
                            / np.asarray(results['original_shape'][:2], np.float32))
        box = np.asarray(boxes[frame], np.float32) * np.array([scale_w, scale_h, scale_w, scale_h], np.float32)
        results['gt_boxes'] = box.reshape(1, 4)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(ann_file={self.ann_file!r})'
