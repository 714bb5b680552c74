"""SVFormer TWAug: invariants of getidx and the per-sample transform."""
import numpy as np
import pytest

from mmavssl.datasets.transforms import TemporalWarp, warp_index


@pytest.mark.parametrize('k', [1, 2, 4, 7, 8])
def test_warp_index_invariants(k):
    for seed in range(200):
        index = warp_index(k, 8, np.random.default_rng(seed))
        lis = np.sort(np.random.default_rng(seed).choice(8, size=k, replace=False))  # the same first draw
        assert index.shape == (8,)
        assert (np.diff(index) >= 0).all()
        assert set(index) <= set(lis.tolist())
        assert lis[-1] in index
        assert (index[:lis[0]] == lis[0]).all()  # position lis[0] itself may already take the next kept index
        assert (index[lis[-1]:] == lis[-1]).all()


def test_warp_index_all_frames_kept_is_identity():
    assert warp_index(8, 8, np.random.default_rng(0)).tolist() == list(range(8))


def test_warp_index_bad_k():
    with pytest.raises(ValueError):
        warp_index(0, 8, np.random.default_rng(0))


def test_temporal_warp_reorders_each_clip_and_none_is_identity():
    frames = [np.full((2, 2, 3), i, np.uint8) for i in range(16)]  # 2 clips of 8
    out = TemporalWarp(keep_choices=(2,))(dict(imgs=list(frames), clip_len=8))
    for c in range(2):
        got = [int(f[0, 0, 0]) for f in out['imgs'][8 * c:8 * c + 8]]
        assert got == (8 * c + out['warp_index'][c]).tolist()
        assert len(set(got)) <= 2
    same = TemporalWarp(keep_choices=(None,))(dict(imgs=list(frames), clip_len=8))
    assert [int(f[0, 0, 0]) for f in same['imgs']] == list(range(16))
