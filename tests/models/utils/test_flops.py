"""FLOP counting: attention is counted, figures match analytic counts."""
import torch
import torch.nn.functional as F

from mmavssl.models.utils.flops import complexity, count_macs


def test_sdpa_counted_on_cpu_and_meta():
    for device in ('cpu', 'meta'):
        q = torch.randn(2, 4, 50, 16, device=device)
        macs, _ = count_macs(lambda: F.scaled_dot_product_attention(q, q, q))
        assert macs == 2 * 2 * 4 * 50 * 50 * 16  # QK^T and AV


def test_joint_vit_matches_analytic_count():
    d, depth, n = 96, 2, 2 * 4 * 4  # tokens: T'=2, 4x4 patches
    cfg = dict(type='VideoRecognizer',
               video_backbone=dict(type='VideoViT', img_size=64, num_frames=4, tubelet_size=2, embed_dims=d,
                                   depth=depth, num_heads=4, attention_type='joint', with_cls_token=False,
                                   output='mean'),
               cls_head=dict(type='LinearClsHead', num_classes=5, in_channels=d))
    result = complexity(cfg)
    patch = n * 3 * 2 * 16 * 16 * d
    blocks = depth * (12 * n * d * d + 2 * n * n * d)
    assert round(result['gflops_per_view'] * 1e9) == patch + blocks + d * 5
    assert result['params_trainable'] == result['params_total']
    # forward + backward of one clip: about 3x the forward (the input needs no gradient)
    assert 2.5 < result['gflops_per_iter'] / result['gflops_per_view'] < 3.0
