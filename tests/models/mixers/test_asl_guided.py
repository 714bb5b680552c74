"""ASLGuidedMixup: exact k per frame, sampling proportional to the map, degenerate maps, grouping."""
import pytest
import torch

from mmavssl.models.mixers import ASLGuidedMixup, mix_audio
from mmavssl.models.mixers.base import MixResult


def test_exact_k_per_frame_and_lam_is_kept_fraction():
    torch.manual_seed(0)
    maps = torch.rand(3, 8, 7, 7)
    lam = torch.tensor([0.2, 0.5, 0.33])
    res = ASLGuidedMixup()(grid=(8, 14, 14), batch_size=3, maps=maps, lam=lam)
    assert res.mask.shape == (3, 8, 196)
    k = torch.round(lam * 196)
    assert (res.mask.sum(-1) == k.view(3, 1)).all()
    assert torch.allclose(res.lam, k / 196)
    # per-frame sampling: frames get different masks
    assert not (res.mask == res.mask[:, :1]).all()


def test_first_draw_follows_map_weights_chi_square():
    torch.manual_seed(1)
    n = 6000
    base = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 8.0, 10.0]])
    maps = base.expand(n, 1, 3, 3)
    mixer = ASLGuidedMixup(eps=1e-4)
    res = mixer(grid=(1, 3, 3), batch_size=n, maps=maps, lam=torch.full((n, ), 1 / 9))
    assert (res.mask.sum(-1) == 1).all()
    observed = res.mask[:, 0].sum(0)
    probs = mixer.token_weights(maps[:1], (1, 3, 3))[0].flatten()
    expected = probs / probs.sum() * n
    keep = expected > 5
    chi2 = ((observed[keep] - expected[keep])**2 / expected[keep]).sum()
    assert chi2 < 20.1  # 99% quantile of chi-square with 8 degrees of freedom
    assert observed[0] <= 2  # min-max normalised weakest token only has the eps floor


def test_constant_and_zero_maps_fall_back_to_uniform():
    torch.manual_seed(2)
    mixer = ASLGuidedMixup()
    for value in (0.0, 3.7):
        maps = torch.full((2, 2, 4, 4), value)
        w, _ = mixer.token_weights(maps, (2, 4, 4))
        assert torch.allclose(w, torch.full_like(w, 1 + mixer.eps))
        res = mixer(grid=(2, 4, 4), batch_size=2, maps=maps, lam=torch.tensor([0.5, 0.5]))
        assert (res.mask.sum(-1) == 8).all()


def test_single_nonzero_entry_and_k_clamp():
    torch.manual_seed(5)
    maps = torch.zeros(2, 1, 3, 3)
    maps[:, :, 1, 2] = 1.0
    mixer = ASLGuidedMixup()
    small = mixer(grid=(1, 3, 3), batch_size=2, maps=maps, lam=torch.tensor([0.0, 0.01]))
    assert (small.mask.sum(-1) == 1).all()
    assert (small.mask[:, 0, 5] == 1).all()
    big = mixer(grid=(1, 3, 3), batch_size=2, maps=maps, lam=torch.tensor([1.0, 0.99]))
    assert (big.mask.sum(-1) == 8).all()
    assert torch.allclose(big.lam, torch.full((2, ), 8 / 9))


def test_frames_per_map_groups_share_masks_and_average_maps():
    torch.manual_seed(3)
    maps = torch.rand(2, 8, 7, 7)
    res = ASLGuidedMixup(frames_per_map=4)(grid=(8, 14, 14), batch_size=2, maps=maps)
    assert (res.mask[:, :4] == res.mask[:, :1]).all() and (res.mask[:, 4:] == res.mask[:, 4:5]).all()
    w, per_group = ASLGuidedMixup(frames_per_map=4).token_weights(maps, (8, 7, 7))
    assert w.shape == (2, 2, 49) and per_group == 4
    avg = maps[:, :4].mean(1).flatten(1)
    norm = (avg - avg.min(1, keepdim=True)[0]) / (avg.max(1, keepdim=True)[0] - avg.min(1, keepdim=True)[0])
    assert torch.allclose(w[:, 0], norm + 1e-4, atol=1e-6)


def test_tubelet_backbone_gets_one_mask_per_temporal_token():
    torch.manual_seed(4)
    maps = torch.rand(2, 16, 7, 7)
    mixer = ASLGuidedMixup()
    res = mixer(grid=(8, 14, 14), batch_size=2, maps=maps)
    assert res.mask.shape == (2, 8, 196)
    w, per_group = mixer.token_weights(maps, (8, 7, 7))
    assert w.shape == (2, 8, 49) and per_group == 1
    with pytest.raises(ValueError, match='multiple'):
        mixer(grid=(3, 14, 14), batch_size=2, maps=maps)
    with pytest.raises(ValueError, match='frames_per_map'):
        ASLGuidedMixup(frames_per_map=3)(grid=(8, 14, 14), batch_size=2, maps=maps)


def test_missing_maps_raise():
    with pytest.raises(ValueError, match='localizer'):
        ASLGuidedMixup()(grid=(1, 2, 2), batch_size=1)


@pytest.mark.parametrize('bad', [float('nan'), float('inf')])
def test_non_finite_maps_are_rejected_clearly(bad):
    maps = torch.rand(3, 4, 4, 4)
    maps[1, 2, 0, 0] = bad
    with pytest.raises(ValueError, match=r'non-finite localization maps \(1 NaN/Inf values, clips \[1\]'):
        ASLGuidedMixup()((4, 4, 4), 3, maps=maps)


def test_mix_audio_eq6():
    a, b = torch.ones(2, 3, 4), torch.zeros(2, 3, 4)
    out = mix_audio(a, b, torch.tensor([0.25, 0.8]))
    assert torch.allclose(out[0], torch.full((3, 4), 0.25)) and torch.allclose(out[1], torch.full((3, 4), 0.8))
    with pytest.raises(ValueError, match='equal shape'):
        mix_audio(a, b[:1], torch.tensor([0.5]))


def test_map_mass_lam_is_a_share_of_the_shown_localization_mass():
    # one-hot maps on a 2 x 2 grid, 2 frames: A's source at token 0, B's at token 3
    maps = torch.zeros(2, 2, 2, 2)
    maps[0, :, 0, 0] = 1.0
    maps[1, :, 1, 1] = 1.0
    mask = torch.tensor([[[1., 0., 0., 0.], [1., 0., 0., 1.]],  # frame 1 shows B's source, frame 2 hides it
                         [[0., 0., 0., 1.], [0., 1., 1., 1.]]])
    partner = torch.tensor([1, 0])
    res = ASLGuidedMixup(lam_from='map_mass', eps=1e-4).relabel((2, 2, 2), MixResult(mask, mask.mean((1, 2))),
                                                                partner, maps)
    assert torch.equal(res.mask, mask)
    w_peak, w_rest = (1 + 1e-4) / (1 + 4e-4), 1e-4 / (1 + 4e-4)  # min-max normalised + eps, summed to 1
    # clip 0: keeps its peak in both frames (+ B's peak in frame 2); B (clip 1) shows its peak only in frame 1
    m_a = 2 * w_peak + w_rest
    m_b = (w_peak + 2 * w_rest) + 2 * w_rest
    assert torch.isclose(res.lam[0], torch.tensor(m_a / (m_a + m_b)))
    # clip 1 keeps its peak in both frames and 2 other tokens; its partner (clip 0) shows its peak in both frames
    # and 2 other tokens: equal mass
    assert torch.isclose(res.lam[1], torch.tensor(0.5)) and mask[1].mean() == 0.5
    # the paper's lam is the default: relabel changes nothing
    tokens = ASLGuidedMixup().relabel((2, 2, 2), MixResult(mask, mask.mean((1, 2))), partner, maps)
    assert torch.equal(tokens.lam, mask.mean((1, 2)))


def test_map_mass_lam_checks_its_inputs():
    with pytest.raises(ValueError, match="'tokens' or 'map_mass'"):
        ASLGuidedMixup(lam_from='area')
    mask = torch.ones(2, 1, 4)
    with pytest.raises(ValueError, match='needs the localization maps'):
        ASLGuidedMixup(lam_from='map_mass').relabel((1, 2, 2), MixResult(mask, mask.mean((1, 2))),
                                                    torch.tensor([1, 0]))
