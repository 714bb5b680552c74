# The paper's audio-visual model: TimeSformer ViT-B/16 video encoder (8x224^2), AST-style ViT-B/16 audio encoder
# (128 mel bins x 1024 frames, stride 10) and a 2-layer transformer fusion head on the two CLS tokens.
model = dict(
    type='AVRecognizer',
    video_backbone=dict(
        type='VideoViT', img_size=224, num_frames=8, patch_size=16, tubelet_size=1, embed_dims=768, depth=12,
        num_heads=12, attention_type='divided', output='cls', drop_path_rate=0.1, with_cp=False),
    audio_backbone=dict(
        type='AudioEncoder', input_length=1024, num_mel_bins=128, patch_size=16, stride=10, embed_dims=768,
        depth=12, num_heads=12, output='cls', drop_path_rate=0.1, with_cp=False),
    cls_head=dict(type='FusionHead', num_classes=51, video_dims=768, audio_dims=768, embed_dims=768, depth=2,
                  num_heads=12),
    data_preprocessor=dict(type='AVDataPreprocessor', mean=[114.75, 114.75, 114.75], std=[57.375, 57.375, 57.375]),
    test_cfg=dict(average_clips='prob'))
