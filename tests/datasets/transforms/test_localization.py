"""LocAudioWindow / FNACSpectrogram."""
import numpy as np
import pytest
from scipy import signal

from mmavssl.datasets.transforms import FNACSpectrogram, LocAudioWindow


def _results(seconds: float = 6.0, rate: int = 16000) -> dict:
    # The waveform value is its own time in seconds, so a cut window reveals where it starts.
    audio = (np.arange(int(seconds * rate)) / rate).astype(np.float32)
    imgs = [np.full((8, 8, 3), i, np.uint8) for i in range(5)]
    return {'audio': audio, 'audio_sample_rate': rate, 'imgs': imgs,
            'frame_inds': np.array([0, 25, 50, 75, 100]), 'avg_fps': 25.0}


def test_spectrogram_shape_and_values():
    wave = np.random.RandomState(0).uniform(-1, 1, 48000).astype(np.float32)
    out = FNACSpectrogram()({'loc_audio': wave, 'loc_audio_sample_rate': 16000})
    spec = out['loc_audios']
    assert spec.shape == (1, 257, 200) and spec.dtype == np.float32
    _, _, ref = signal.spectrogram(wave.astype(np.float64), 16000, nperseg=512, noverlap=274)
    np.testing.assert_allclose(spec[0], np.log(ref + 1e-7) / 12, rtol=1e-5, atol=1e-6)


def test_spectrogram_masks_zero_bands():
    wave = np.random.RandomState(1).uniform(-1, 1, 48000).astype(np.float32)
    np.random.seed(3)
    spec = FNACSpectrogram(augment=True, freq_mask=10, time_mask=10)(
        {'loc_audio': wave, 'loc_audio_sample_rate': 16000})['loc_audios'][0]
    zero_rows = np.all(spec == 0, axis=1).sum()
    zero_cols = np.all(spec == 0, axis=0).sum()
    assert 0 < zero_rows + zero_cols and zero_rows < 10 and zero_cols < 10
    assert np.count_nonzero(spec == 0) == zero_rows * spec.shape[1] + zero_cols * spec.shape[0] \
        - zero_rows * zero_cols


def test_window_centred_on_centre_frame():
    out = LocAudioWindow(window=3.0)(_results())
    assert out['loc_frame_time'] == 2.0 and out['loc_audio_sample_rate'] == 16000
    assert out['loc_audio'].shape == (48000,)
    assert out['loc_audio'][0] == pytest.approx(0.5) and out['loc_audio'][-1] == pytest.approx(3.5, abs=1e-3)
    assert len(out['imgs']) == 5


def test_window_shifted_inside_tiled_offset_and_single_frame():
    res = _results()
    res['frame_inds'] = np.array([10])
    assert LocAudioWindow()(res)['loc_audio'][0] == 0.0
    res = _results()
    res['frame_inds'] = np.array([145])
    assert LocAudioWindow()(res)['loc_audio'][-1] == pytest.approx(6.0, abs=1e-3)
    short = LocAudioWindow()(_results(seconds=1.0))['loc_audio']
    assert short.shape == (48000,) and short[16000] == 0.0
    res = _results()
    res['audio_offset'] = 1.0
    assert LocAudioWindow()(res)['loc_audio'][0] == pytest.approx(0.0)
    out = LocAudioWindow(keep_single_frame=True)(_results())
    assert len(out['imgs']) == 1 and out['imgs'][0][0, 0, 0] == 2
    assert out['frame_inds'].tolist() == [50] and out['clip_len'] == out['num_clips'] == 1


def test_resampling_and_errors():
    out = LocAudioWindow(sample_rate=16000)(_results(rate=44100))
    assert out['loc_audio'].shape == (48000,) and out['loc_audio_sample_rate'] == 16000
    assert out['loc_audio'][24000] == pytest.approx(2.0, abs=0.01)
    with pytest.raises(KeyError, match='audio'):
        LocAudioWindow()({'frame_inds': [0], 'avg_fps': 25})
    with pytest.raises(ValueError, match='frame'):
        LocAudioWindow(frame='first')
    with pytest.raises(KeyError, match='LocAudioWindow'):
        FNACSpectrogram()({})


def test_random_frame_is_one_of_the_clip():
    np.random.seed(0)
    times = {LocAudioWindow(frame='random')(_results())['loc_frame_time'] for _ in range(20)}
    assert times <= {0.0, 1.0, 2.0, 3.0, 4.0} and len(times) > 1


def test_loudest_frame_follows_the_audio_energy():
    results = _results()
    results['audio'] = np.zeros_like(results['audio'])
    # A burst 2.99-3.01 s (frame 75 at 25 fps), a quieter one at 1.0 s; audio_offset shifts the track by 1 s.
    results['audio'][int(2.99 * 16000):int(3.01 * 16000)] = 1.0
    results['audio'][16000:16100] = 0.5
    out = LocAudioWindow(frame='loudest', window=1.0, keep_single_frame=True)(dict(results))
    assert out['loc_frame_time'] == 3.0 and out['frame_inds'].tolist() == [75] and out['imgs'][0][0, 0, 0] == 3
    shifted = LocAudioWindow(frame='loudest', window=1.0)(dict(results, audio_offset=1.0))
    assert shifted['loc_frame_time'] == 4.0
