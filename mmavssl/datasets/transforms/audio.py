"""Audio features in the AST / AudioMAE convention and SpecAugment."""
from typing import Tuple, Union

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from torchaudio.compliance import kaldi
from torchaudio.transforms import FrequencyMasking, TimeMasking

from mmavssl.registry import TRANSFORMS

AUDIOSET_MEAN = -4.2677393
AUDIOSET_STD = 4.5689974


@TRANSFORMS.register_module()
class AudioFbank(BaseTransform):
    """Per-clip log-mel filterbank, padded/cropped to a fixed length and AST-normalised.

    Follows ``YuanGongND/ast`` ``src/dataloader.py``: waveform minus its mean, ``kaldi.fbank(htk_compat=True,
    window_type='hanning', use_energy=False, dither=0.0, frame_shift=10)``, zero-pad or crop the time axis to
    ``target_length``, then ``(fbank - mean) / (2 * std)``. Padding happens before normalisation as in AST.

    Required keys: ``waveforms`` (float32 (num_clips, C, S); channels are averaged), ``audio_sample_rate``.
    Added keys: ``audios`` float32 (num_clips, target_length, num_mel_bins), ``audio_norm`` (mean, std).
    Removes ``waveforms``.

    Args:
        num_mel_bins: M, mel bins.
        target_length: L, fbank frames (10 ms each); 1024 = AST's 10 s. Set it to cover the clip span
            (e.g. 256 for 16 frames x 4 at 25 fps = 2.56 s).
        frame_shift: Hop in ms.
        frame_length: Window in ms.
        norm_mean: Dataset mean of the fbank (AudioSet by default).
        norm_std: Dataset standard deviation of the fbank.
        normalize: Apply ``(fbank - mean) / (2 * std)``.
    """

    def __init__(self, num_mel_bins: int = 128, target_length: int = 1024, frame_shift: float = 10.0,
                 frame_length: float = 25.0, norm_mean: float = AUDIOSET_MEAN, norm_std: float = AUDIOSET_STD,
                 normalize: bool = True) -> None:
        if num_mel_bins <= 0 or target_length <= 0:
            raise ValueError(f'num_mel_bins ({num_mel_bins}) and target_length ({target_length}) must be > 0')
        if normalize and norm_std <= 0:
            raise ValueError(f'norm_std must be > 0, got {norm_std}')
        self.num_mel_bins = num_mel_bins
        self.target_length = target_length
        self.frame_shift = frame_shift
        self.frame_length = frame_length
        self.norm_mean = norm_mean
        self.norm_std = norm_std
        self.normalize = normalize

    def fbank(self, waveform: torch.Tensor, sample_rate: int) -> torch.Tensor:
        """Compute one normalised, fixed-length fbank.

        Args:
            waveform: (C, S) or (S,) samples.
            sample_rate: Samples per second.

        Returns:
            (target_length, num_mel_bins) float32.
        """
        wav = (waveform if waveform.dim() > 1 else waveform[None]).mean(0, keepdim=True)
        wav = wav - wav.mean()
        # kaldi.fbank needs at least one full window; an empty or tiny clip becomes one silent window.
        min_len = int(sample_rate * self.frame_length / 1000)
        if wav.shape[1] < min_len:
            wav = torch.nn.functional.pad(wav, (0, min_len - wav.shape[1]))
        feats = kaldi.fbank(wav, htk_compat=True, sample_frequency=sample_rate, use_energy=False,
                            window_type='hanning', num_mel_bins=self.num_mel_bins, dither=0.0,
                            frame_shift=self.frame_shift, frame_length=self.frame_length)
        feats = feats[:self.target_length]
        feats = torch.nn.functional.pad(feats, (0, 0, 0, self.target_length - feats.shape[0]))
        if self.normalize:
            feats = (feats - self.norm_mean) / (2 * self.norm_std)
        return feats

    def transform(self, results: dict) -> dict:
        """Replace ``waveforms`` by ``audios``.

        Args:
            results: The sample dict after ``AVDecode``.

        Returns:
            ``results`` with ``audios`` (num_clips, L, M).
        """
        waveforms = torch.from_numpy(np.ascontiguousarray(results.pop('waveforms')))
        rate = results['audio_sample_rate']
        results['audios'] = torch.stack([self.fbank(w, rate) for w in waveforms]).numpy()
        results['audio_norm'] = (self.norm_mean, self.norm_std) if self.normalize else (0.0, 0.5)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_mel_bins={self.num_mel_bins}, '
                f'target_length={self.target_length}, normalize={self.normalize})')


@TRANSFORMS.register_module()
class SpecAugment(BaseTransform):
    """Frequency and time masking of every fbank (the strong audio augmentation).

    Each of the ``num_clips`` fbanks in ``audios`` gets its own masks (torchaudio ``FrequencyMasking`` and
    ``TimeMasking``, widths uniform in ``[0, param)``). With ``mask_value='ast'`` the masked cells take the
    value a raw fbank of 0 has after normalisation, ``(0 - mean) / (2 * std)``, so masking a normalised fbank
    equals AST's masking before normalisation.

    Required keys: ``audios`` (num_clips, L, M); ``audio_norm`` when ``mask_value='ast'``.

    Args:
        freq_mask: Maximum masked mel bins (AST: 48).
        time_mask: Maximum masked frames (AST: 192 for L = 1024; scale it with ``target_length``).
        mask_value: A number, or ``'ast'``.
    """

    def __init__(self, freq_mask: int = 48, time_mask: int = 192, mask_value: Union[float, str] = 'ast') -> None:
        if freq_mask < 0 or time_mask < 0:
            raise ValueError(f'freq_mask ({freq_mask}) and time_mask ({time_mask}) must be >= 0')
        if isinstance(mask_value, str) and mask_value != 'ast':
            raise ValueError(f"mask_value must be a number or 'ast', got {mask_value!r}")
        self.freq_mask = freq_mask
        self.time_mask = time_mask
        self.mask_value = mask_value
        self.freq_masking = FrequencyMasking(freq_mask)
        self.time_masking = TimeMasking(time_mask)

    def _fill(self, results: dict) -> float:
        """The value written into masked cells."""
        if self.mask_value != 'ast':
            return float(self.mask_value)
        mean, std = results.get('audio_norm', (0.0, 0.5))
        return (0.0 - mean) / (2 * std)

    def transform(self, results: dict) -> dict:
        """Mask ``audios`` in place of a copy.

        Args:
            results: The sample dict after ``AudioFbank``.

        Returns:
            ``results`` with masked ``audios``.
        """
        fill = self._fill(results)
        spec = torch.from_numpy(np.array(results['audios'], dtype=np.float32)).transpose(1, 2)  # (n, M, L)
        masked = [self.time_masking(self.freq_masking(s[None], fill), fill)[0] for s in spec]
        results['audios'] = torch.stack(masked).transpose(1, 2).contiguous().numpy()
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(freq_mask={self.freq_mask}, time_mask={self.time_mask}, '
                f'mask_value={self.mask_value!r})')


@TRANSFORMS.register_module()
class AudioNoise(BaseTransform):
    """Drown the waveform in white noise, with probability ``prob`` per sample (before ``AudioFbank``).

    The noise is Gaussian, its RMS ``10 ** (-snr / 20)`` times the waveform's own RMS (per clip, over all
    channels), with ``snr`` drawn uniformly from ``snr_db``. At a low SNR the sound no longer names anything, so
    a model trained on such views learns to classify from the frames when the sound is uninformative (the
    role noise augmentation has in audio-visual speech recognition). No shipped recipe uses it; the configs of
    ``projects/audio_noise`` do. Random draws come from torch's generator, as ``SpecAugment``'s.

    Required keys: ``waveforms`` (float32 (num_clips, C, S)). Modified: ``waveforms``.

    Args:
        prob: Probability that a sample is noised (all its clips together).
        snr_db: (low, high) signal-to-noise ratio in dB; low <= high.
    """

    def __init__(self, prob: float = 0.5, snr_db: Tuple[float, float] = (-20.0, -10.0)) -> None:
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f'AudioNoise: prob must be in [0, 1], got {prob}')
        if len(snr_db) != 2 or snr_db[0] > snr_db[1]:
            raise ValueError(f'AudioNoise: snr_db must be (low, high) with low <= high, got {snr_db}')
        self.prob = float(prob)
        self.snr_db = (float(snr_db[0]), float(snr_db[1]))

    def transform(self, results: dict) -> dict:
        """Add the noise (see class docstring).

        Args:
            results: The sample dict after ``AVDecode``.

        Returns:
            ``results`` with noised ``waveforms`` when drawn.
        """
        if not bool(torch.rand(()) < self.prob):
            return results
        wave = torch.from_numpy(np.array(results['waveforms'], dtype=np.float32))
        lo, hi = self.snr_db
        snr = lo + (hi - lo) * torch.rand(())
        # A silent clip has no level to be relative to; its noise takes the level of a unit-RMS signal.
        rms = wave.pow(2).mean(dim=(1, 2), keepdim=True).sqrt().clamp_min(1e-4)
        noise = torch.randn(wave.shape) * rms * 10 ** (-snr / 20)
        results['waveforms'] = (wave + noise).numpy()
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob}, snr_db={self.snr_db})'
