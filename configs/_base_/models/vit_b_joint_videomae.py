# VideoMAE-style ViT-B/16: joint space-time attention, tubelet 2, 16x224^2, fixed sinusoid position embedding,
# mean pooling + fc_norm (VideoMAE's head input). Initialise from VideoMAE / mmaction2 checkpoints converted
# with tools/convert/to_mmavssl.py {videomae,mmaction_vit}.
model = dict(
    type='VideoRecognizer',
    video_backbone=dict(
        type='VideoViT', img_size=224, num_frames=16, patch_size=16, tubelet_size=2, embed_dims=768, depth=12,
        num_heads=12, attention_type='joint', pos_embed_type='sinusoid', with_cls_token=False, output='mean',
        drop_path_rate=0.1, with_cp=False),
    cls_head=dict(type='LinearClsHead', num_classes=51, in_channels=768, dropout_ratio=0.5),
    data_preprocessor=dict(type='AVDataPreprocessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375]),
    test_cfg=dict(average_clips='prob'))
