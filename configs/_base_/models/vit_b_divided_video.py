# SVFormer's supervised model: TimeSformer ViT-B/16 (divided space-time), 8x224^2, linear head on the CLS.
# Initialise from a timm ImageNet ViT-B/16 converted with tools/convert/to_mmavssl.py timm_vit (docs/models.md)
# by setting model.video_backbone.pretrained. num_classes is overridden by dataset configs.
model = dict(
    type='VideoRecognizer',
    video_backbone=dict(
        type='VideoViT', img_size=224, num_frames=8, patch_size=16, tubelet_size=1, embed_dims=768, depth=12,
        num_heads=12, attention_type='divided', output='cls', drop_path_rate=0.1, with_cp=False),
    cls_head=dict(type='LinearClsHead', num_classes=51, in_channels=768),
    data_preprocessor=dict(type='AVDataPreprocessor', mean=[114.75, 114.75, 114.75], std=[57.375, 57.375, 57.375]),
    test_cfg=dict(average_clips='prob'))
