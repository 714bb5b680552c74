# CPU-sized audio-visual model (tests, smoke runs): tiny divided video ViT + tiny AudioEncoder (64 frames x 128
# bins, stride 16) + 2-layer fusion head.
model = dict(
    type='AVRecognizer',
    video_backbone=dict(
        type='VideoViT', img_size=64, num_frames=4, patch_size=16, tubelet_size=1, embed_dims=96, depth=2,
        num_heads=4, attention_type='divided', output='cls', drop_path_rate=0.0),
    audio_backbone=dict(
        type='AudioEncoder', input_length=64, num_mel_bins=128, patch_size=16, stride=16, embed_dims=96, depth=2,
        num_heads=4, output='cls', drop_path_rate=0.0),
    cls_head=dict(type='FusionHead', num_classes=5, video_dims=96, audio_dims=96, embed_dims=96, depth=2,
                  num_heads=4),
    data_preprocessor=dict(type='AVDataPreprocessor', mean=[114.75, 114.75, 114.75], std=[57.375, 57.375, 57.375]),
    test_cfg=dict(average_clips='prob'))
