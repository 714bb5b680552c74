# FNAC (Sun et al., CVPR 2023) audio-visual localizer, ResNet-18 x 2, trained self-supervised.
# EZ-VSL: model.dropout_img=0.0, model.loss.mode='ezvsl'. Datasets and the epoch count come from the
# experiment config (FNAC: batch 128-256, 20-30 epochs, warmup 3-5).
imagenet_mean = [123.675, 116.28, 103.53]
imagenet_std = [58.395, 57.12, 57.375]

model = dict(
    type='FNACLocalizer',
    tau=0.03,
    dim=512,
    dropout_img=0.9,
    dropout_aud=0.0,
    visual_stage=4,
    input_size=(224, 224),
    video_mean=imagenet_mean,
    video_std=imagenet_std,
    loss=dict(type='FNACLoss', tau=0.03, fns1_weight=100.0, fns2_weight=100.0, tns_weight=100.0,
              high_conf_thresh=0.6, warmup=3, warmup_by='epoch', mode='fnac'),
    data_preprocessor=dict(type='AVDataPreprocessor', mean=imagenet_mean, std=imagenet_std))

optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-4))
param_scheduler = []
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=20, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
val_evaluator = dict(type='LocalizationMetric', threshold='median', upsample_mode='bilinear')
test_evaluator = val_evaluator
randomness = dict(seed=12345)
