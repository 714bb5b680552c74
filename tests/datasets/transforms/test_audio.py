"""AST fbank convention and SpecAugment."""
import numpy as np
import pytest
import torch

from mmavssl.datasets.transforms import AudioFbank, AudioNoise, SpecAugment

PAD_VALUE = 4.2677393 / (2 * 4.5689974)  # a raw fbank of 0 after AST normalisation


def test_fbank_shape_padding_and_normalisation():
    wave = np.random.RandomState(0).randn(2, 1, 160000).astype(np.float32) * 0.1  # two 10 s clips
    out = AudioFbank()(dict(waveforms=wave, audio_sample_rate=16000))
    assert out['audios'].shape == (2, 1024, 128) and out['audios'].dtype == np.float32
    assert np.allclose(out['audios'][:, 998:], PAD_VALUE)  # 10 s -> 998 frames, then zero padding
    raw = AudioFbank(normalize=False)(dict(waveforms=wave, audio_sample_rate=16000))['audios']
    assert np.allclose(out['audios'], (raw + 4.2677393) / (2 * 4.5689974), atol=1e-5)
    cropped = AudioFbank(target_length=500)(dict(waveforms=wave, audio_sample_rate=16000))['audios']
    assert np.allclose(cropped, out['audios'][:, :500])


def test_fbank_removes_waveform_mean_and_handles_empty_clip():
    wave = np.random.RandomState(1).randn(1, 1, 8000).astype(np.float32)
    fb = AudioFbank(target_length=64)
    shifted = fb(dict(waveforms=wave + 0.3, audio_sample_rate=16000))['audios']
    assert np.allclose(shifted, fb(dict(waveforms=wave, audio_sample_rate=16000))['audios'], atol=1e-4)
    empty = fb(dict(waveforms=np.zeros((1, 1, 0), np.float32), audio_sample_rate=16000))['audios']
    assert empty.shape == (1, 64, 128) and np.isfinite(empty).all()


def test_specaugment_on_normalised_equals_ast_masking_before_normalisation():
    wave = np.random.RandomState(2).randn(3, 1, 48000).astype(np.float32)
    raw = AudioFbank(target_length=256, normalize=False)(dict(waveforms=wave, audio_sample_rate=16000))
    norm = AudioFbank(target_length=256)(dict(waveforms=wave, audio_sample_rate=16000))
    torch.manual_seed(0)
    masked_raw = SpecAugment(48, 64, mask_value=0.0)(dict(raw))['audios']
    torch.manual_seed(0)
    masked_norm = SpecAugment(48, 64)(dict(norm))['audios']
    assert np.allclose(masked_norm, (masked_raw + 4.2677393) / (2 * 4.5689974), atol=1e-5)
    changed = ~np.isclose(masked_norm, norm['audios'])
    assert changed.any()
    assert np.allclose(masked_norm[changed], PAD_VALUE)
    # each clip: masked mel bins form one band narrower than 48, masked frames one span narrower than 64
    for c in range(3):
        full_rows = np.isclose(masked_norm[c], PAD_VALUE).all(1).sum()
        full_cols = np.isclose(masked_norm[c], PAD_VALUE).all(0).sum()
        assert full_rows < 64 and full_cols < 48


def test_bad_audio_config_values():
    with pytest.raises(ValueError):
        AudioFbank(target_length=0)
    with pytest.raises(ValueError):
        SpecAugment(mask_value='mean')


def test_audio_noise_level_follows_the_snr_and_prob_zero_is_identity():
    t = np.arange(32000, dtype=np.float32) / 16000
    wave = np.stack([np.sin(2 * np.pi * 440 * t)[None], 0.1 * np.sin(2 * np.pi * 880 * t)[None]])  # (2, 1, S)
    assert np.array_equal(AudioNoise(prob=0.0)(dict(waveforms=wave.copy()))['waveforms'], wave)
    torch.manual_seed(0)
    out = AudioNoise(prob=1.0, snr_db=(-10.0, -10.0))(dict(waveforms=wave.copy()))['waveforms']
    assert out.shape == wave.shape and out.dtype == np.float32
    signal_rms = np.sqrt((wave ** 2).mean(axis=(1, 2)))
    noise_rms = np.sqrt(((out - wave) ** 2).mean(axis=(1, 2)))
    # -10 dB: the noise is sqrt(10) times as loud as each clip's own signal
    assert np.allclose(noise_rms / signal_rms, np.sqrt(10), rtol=0.02)


def test_audio_noise_prob_is_the_fraction_of_noised_samples_and_bad_arguments_fail():
    wave = np.ones((1, 1, 100), np.float32)
    torch.manual_seed(1)
    noised = [not np.array_equal(AudioNoise(prob=0.3)(dict(waveforms=wave))['waveforms'], wave)
              for _ in range(2000)]
    assert abs(np.mean(noised) - 0.3) < 0.04
    silent = AudioNoise(prob=1.0, snr_db=(0.0, 0.0))(dict(waveforms=np.zeros((1, 1, 100), np.float32)))
    assert np.isfinite(silent['waveforms']).all() and np.abs(silent['waveforms']).max() > 0
    for kwargs in (dict(prob=1.5), dict(snr_db=(0.0, -5.0)), dict(snr_db=(1.0,))):
        with pytest.raises(ValueError, match='AudioNoise'):
            AudioNoise(**kwargs)
