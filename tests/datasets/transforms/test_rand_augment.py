"""RandAugment is drawn once per clip and applied identically to all its frames."""
import numpy as np
import pytest

from mmavssl.datasets.transforms import ClipRandAugment


def test_same_ops_on_every_frame_of_a_clip():
    np.random.seed(0)
    frame = np.random.RandomState(0).randint(0, 255, (24, 32, 3)).astype(np.uint8)
    aug = ClipRandAugment(num_ops=2, magnitude=15)
    changed = 0
    for _ in range(10):
        out = aug(dict(imgs=[frame.copy() for _ in range(8)], clip_len=4, num_clips=2))['imgs']
        assert len(out) == 8 and out[0].dtype == np.uint8 and out[0].shape == frame.shape
        for clip in (out[:4], out[4:]):
            assert all(np.array_equal(f, clip[0]) for f in clip)
        changed += not np.array_equal(out[0], frame)
    assert changed > 0


def test_prob_zero_is_identity_and_bad_prob():
    frame = np.arange(4 * 4 * 3, dtype=np.uint8).reshape(4, 4, 3)
    out = ClipRandAugment(prob=0.0)(dict(imgs=[frame] * 2, clip_len=2, num_clips=1))['imgs']
    assert all(np.array_equal(f, frame) for f in out)
    with pytest.raises(ValueError):
        ClipRandAugment(prob=2)
