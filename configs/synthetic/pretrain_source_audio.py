# Audio pretraining on the synthetic *source* set, the benchmark's stand-in for the paper's AudioSet initialisation
# (docs/synthetic_dataset.md): the audio-only model of supervised_audio.py trained fully supervised on
# data/synthetic_av_source (4 classes, each a timbre none of the benchmark's classes has). Only its encoder is kept:
# supervised_av.py loads `audio_backbone.*` from it (and `video_backbone.*` from pretrain_source_video.py) and
# starts the heads from scratch. Run once, shared by every row and seed.
_base_ = ['../_base_/synthetic_supervised.py']
# The audio-only model of supervised_audio.py, from scratch: this run is what the other configs load.
model = dict(
    video_backbone=None,
    aux_loss_weight=0.0,  # one modality: no auxiliary heads
    audio_backbone=dict(init_cfg=None),
    cls_head=dict(_delete_=True, type='LinearClsHead', num_classes=_base_.source_num_classes,
                  in_channels=96))
train_dataloader = _base_.source_train_dataloader
val_dataloader = test_dataloader = _base_.source_val_dataloader
val_evaluator = test_evaluator = _base_.source_evaluator

# 400 iterations of batch 8 = 5 passes over the 600 source clips.
max_iters = 400
train_cfg = dict(max_iters=max_iters, val_interval=200)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', T_max=max_iters - 50, eta_min=1e-5, by_epoch=False, begin=50, end=max_iters),
]
default_hooks = _base_.source_default_hooks
