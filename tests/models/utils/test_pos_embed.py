"""Position-embedding tables and resizing."""
import pytest
import torch

from mmavssl.models.utils.pos_embed import resize_grid_embed, resize_pos_embed, sinusoid_table


def test_sinusoid_known_values():
    table = sinusoid_table(3, 4)
    assert table.shape == (1, 3, 4)
    # position 1: sin(1), cos(1), sin(1 / 100), cos(1 / 100)
    expected = torch.tensor([torch.sin(torch.tensor(1.)), torch.cos(torch.tensor(1.)),
                             torch.sin(torch.tensor(0.01)), torch.cos(torch.tensor(0.01))])
    assert torch.allclose(table[0, 1], expected)


def test_resize_identity_and_shapes():
    emb = torch.randn(1, 2 * 3 * 4, 8)
    assert resize_grid_embed(emb, (2, 3, 4), (2, 3, 4)) is emb
    assert resize_grid_embed(emb, (2, 3, 4), (4, 5, 6)).shape == (1, 4 * 5 * 6, 8)
    assert resize_pos_embed(torch.randn(1, 1 + 12, 8), (3, 4), (6, 8), num_prefix=1).shape == (1, 1 + 48, 8)


def test_temporal_resize_is_linear():
    time = torch.tensor([[0.0], [2.0]]).reshape(1, 2, 1)
    # align_corners=False: 4 samples of a 2-point ramp give 0, 0.5, 1.5, 2
    assert resize_grid_embed(time, (2,), (4,)).flatten().tolist() == [0.0, 0.5, 1.5, 2.0]


def test_constant_grid_stays_constant():
    emb = torch.ones(1, 4 * 4, 3)
    assert torch.allclose(resize_grid_embed(emb, (4, 4), (7, 7)), torch.ones(1, 49, 3))


def test_bad_grid():
    with pytest.raises(ValueError, match='tokens'):
        resize_grid_embed(torch.randn(1, 10, 2), (3, 4), (3, 4))
