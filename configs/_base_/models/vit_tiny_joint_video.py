# CPU-sized VideoMAE-style model (tests): joint attention, tubelet 2, 4 frames of 64^2, embed 96, depth 2.
model = dict(
    type='VideoRecognizer',
    video_backbone=dict(
        type='VideoViT', img_size=64, num_frames=4, patch_size=16, tubelet_size=2, embed_dims=96, depth=2,
        num_heads=4, attention_type='joint', pos_embed_type='sinusoid', with_cls_token=False, output='mean',
        drop_path_rate=0.0),
    cls_head=dict(type='LinearClsHead', num_classes=5, in_channels=96),
    data_preprocessor=dict(type='AVDataPreprocessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375]),
    test_cfg=dict(average_clips='prob'))
