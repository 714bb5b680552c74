# Video pretraining on the synthetic *source* set, the benchmark's stand-in for the paper's ImageNet initialisation
# of the video encoder (docs/synthetic_dataset.md): the video-only model of supervised_video.py trained fully
# supervised on data/synthetic_av_source, whose four classes are shapes none of the benchmark's classes has
# (cross, diamond, ring, hexagon, each the flashing sound source among moving distractors). What transfers is
# finding the flashing object and describing its outline; no benchmark shape is ever seen labelled. Only its encoder
# is kept: the supervised configs load `video_backbone.*` from it. Run once, shared by every row and seed.
_base_ = ['../_base_/synthetic_supervised.py']
# The video-only model of supervised_video.py, from scratch: this run is what the other configs load.
model = dict(
    audio_backbone=None,
    aux_loss_weight=0.0,  # one modality: no auxiliary heads
    video_backbone=dict(init_cfg=None),
    cls_head=dict(_delete_=True, type='LinearClsHead', num_classes=_base_.source_num_classes, in_channels=96))
train_dataloader = _base_.source_train_dataloader
val_dataloader = test_dataloader = _base_.source_val_dataloader
val_evaluator = test_evaluator = _base_.source_evaluator

# The k-shot schedule of the supervised base: 600 iterations of batch 8 = 8 passes over the 600 source clips
# (source val top-1 56 / 55 / 59 % at 200 / 400 / 600, chance 25 %; docs/results.md).
max_iters = _base_.kshot_iters
train_cfg = _base_.kshot_train_cfg
param_scheduler = _base_.kshot_param_scheduler
default_hooks = _base_.source_default_hooks
