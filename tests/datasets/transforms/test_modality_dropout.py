"""AudioDropout: drops the audio of about ``prob`` of the samples and marks it invalid for the fusion head."""
import numpy as np
import pytest

from mmavssl.datasets.transforms import AudioDropout, PackAVInputs


def sample() -> dict:
    """A decoded sample with valid audio: 2 clips of 4 frames and 2 fbanks of 6 x 3."""
    return dict(imgs=[np.zeros((8, 8, 3), np.uint8)] * 8, input_shape=(2, 3, 4, 8, 8), label=1,
                audios=np.ones((2, 6, 3), np.float32), audio_valid=True, sample_idx=0)


def test_drop_rate_and_effect() -> None:
    np.random.seed(0)
    drop = AudioDropout(prob=0.3)
    outs = [drop(sample()) for _ in range(2000)]
    dropped = [o for o in outs if not o['audio_valid']]
    assert abs(len(dropped) / 2000 - 0.3) < 0.04
    assert all(o['audios'].shape == (2, 6, 3) and not o['audios'].any() for o in dropped)
    assert all(o['audios'].all() for o in outs if o['audio_valid'])


@pytest.mark.parametrize('prob, valid', [(0.0, True), (1.0, False)])
def test_extremes_and_packing(prob: float, valid: bool) -> None:
    results = AudioDropout(prob=prob)(sample())
    results['imgs'] = np.zeros((2, 3, 4, 8, 8), np.uint8)  # as after FormatShape('NCTHW')
    packed = PackAVInputs(meta_keys=())(results)
    assert packed['data_samples'].metainfo['audio_valid'] is valid


def test_rejects_bad_probability() -> None:
    with pytest.raises(ValueError, match=r'prob must be in \[0, 1\]'):
        AudioDropout(prob=1.5)
