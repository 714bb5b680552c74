# CPU-sized video-only model (tests, smoke runs): divided space-time, 4 frames of 64^2, embed 96, depth 2.
model = dict(
    type='VideoRecognizer',
    video_backbone=dict(
        type='VideoViT', img_size=64, num_frames=4, patch_size=16, tubelet_size=1, embed_dims=96, depth=2,
        num_heads=4, attention_type='divided', output='cls', drop_path_rate=0.0),
    cls_head=dict(type='LinearClsHead', num_classes=5, in_channels=96),
    data_preprocessor=dict(type='AVDataPreprocessor', mean=[114.75, 114.75, 114.75], std=[57.375, 57.375, 57.375]),
    test_cfg=dict(average_clips='prob'))
