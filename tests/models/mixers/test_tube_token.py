"""TubeTokenMixup: kept-token count, tube structure, shared vs per-sample masks."""
import pytest
import torch

from mmavssl.models.mixers import TubeTokenMixup, num_kept_tokens


def test_half_ratio_keeps_98_tokens_identical_over_frames_and_batch():
    torch.manual_seed(0)
    res = TubeTokenMixup()(grid=(8, 14, 14), batch_size=3, lam=torch.full((3, ), 0.5))
    assert res.mask.shape == (3, 8, 196)
    assert set(res.mask.unique().tolist()) == {0.0, 1.0}
    assert (res.mask.sum(-1) == 98).all()
    assert (res.mask == res.mask[:1, :1]).all()
    assert torch.allclose(res.lam, torch.full((3, ), 0.5))


def test_per_sample_masks_differ_but_stay_tubes():
    torch.manual_seed(1)
    res = TubeTokenMixup(alpha=2.0, share_across_batch=False)(grid=(4, 6, 6), batch_size=5)
    assert (res.mask == res.mask[:, :1]).all()
    assert not (res.mask == res.mask[:1]).all()
    assert torch.allclose(res.lam, res.mask.mean(dim=(1, 2)))
    assert ((res.lam * 36).round() == res.mask[:, 0].sum(-1)).all()


def test_floor_rounding_and_clamp():
    assert num_kept_tokens(torch.tensor([0.999, 0.5, 0.0, 1.0, 0.4]), 10, 'floor').tolist() == [9, 5, 1, 9, 4]
    assert num_kept_tokens(torch.tensor([0.46]), 10, 'round').tolist() == [5]
    with pytest.raises(ValueError, match='rounding'):
        num_kept_tokens(torch.tensor([0.5]), 10, 'ceil')


def test_uniform_positions_over_many_draws():
    torch.manual_seed(2)
    mixer = TubeTokenMixup(share_across_batch=False)
    res = mixer(grid=(1, 4, 4), batch_size=4000, lam=torch.full((4000, ), 0.25))
    freq = res.mask[:, 0].mean(0)
    assert torch.allclose(freq, torch.full((16, ), 0.25), atol=0.03)
