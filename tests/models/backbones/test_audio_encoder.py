"""AudioEncoder: AST patch grid, output modes, resized inputs."""
import pytest
import torch

from mmavssl.models.backbones import AudioEncoder


def test_ast_and_audiomae_grids():
    assert AudioEncoder(depth=1, embed_dims=48, num_heads=4).grid == (12, 101)  # AST: 1212 patches
    assert AudioEncoder(depth=1, embed_dims=48, num_heads=4, stride=16).grid == (8, 64)  # AudioMAE: 512


@pytest.mark.parametrize('kw', [dict(), dict(with_dist_token=True), dict(output='mean')])
def test_output_shapes(kw):
    model = AudioEncoder(input_length=64, num_mel_bins=32, embed_dims=48, depth=2, num_heads=4, **kw).eval()
    assert model(torch.randn(2, 64, 32)).shape == (2, 48)
    assert model(torch.randn(2, 96, 32)).shape == (2, 48)  # longer input: pos_embed resized


def test_layout_is_frequency_by_time():
    """The fbank (B, L, M) is patched as the image (B, 1, M, L), like AST."""
    model = AudioEncoder(input_length=32, num_mel_bins=16, patch_size=16, stride=16, embed_dims=8, depth=1,
                         num_heads=2)
    fbank = torch.randn(1, 32, 16)
    ref = torch.nn.functional.conv2d(fbank.transpose(1, 2).unsqueeze(1), model.patch_embed.proj.weight,
                                     model.patch_embed.proj.bias, stride=16).flatten(2).transpose(1, 2)
    got = model.patch_embed.proj(fbank.unsqueeze(1).transpose(2, 3)).flatten(2).transpose(1, 2)
    assert torch.equal(ref, got) and got.shape == (1, 2, 8)


def test_bad_input():
    model = AudioEncoder(input_length=64, num_mel_bins=32, embed_dims=48, depth=1, num_heads=4)
    with pytest.raises(ValueError, match='fbank'):
        model(torch.randn(2, 1, 64, 32))
    with pytest.raises(ValueError, match='smaller'):
        model(torch.randn(2, 8, 32))
