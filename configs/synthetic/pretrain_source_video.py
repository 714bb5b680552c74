# Video pretraining on the synthetic *source* set, the benchmark's stand-in for the paper's ImageNet initialisation
# of the video encoder (docs/synthetic_dataset.md): the video-only model of supervised_video.py trained fully
# supervised on data/synthetic_av_source, whose four classes are shapes none of the benchmark's classes has
# (cross, diamond, ring, hexagon, each the flashing sound source among moving distractors). What transfers is
# finding the flashing object and describing its outline; no benchmark shape is ever seen labelled. Only its encoder
# is kept: the supervised configs load `video_backbone.*` from it. Run once, shared by every row and seed.
_base_ = ['../_base_/synthetic_supervised.py']
source_root = 'data/synthetic_av_source/'
num_classes = 4
source = dict(data_prefix=dict(video=source_root), classes_file=source_root + 'classes.txt')
# The video-only model of supervised_video.py, from scratch: this run is what the other configs load.
model = dict(
    audio_backbone=None,
    aux_loss_weight=0.0,  # one modality: no auxiliary heads
    video_backbone=dict(init_cfg=None),
    cls_head=dict(_delete_=True, type='LinearClsHead', num_classes=num_classes, in_channels=96))
train_dataloader = dict(dataset=dict(source, ann_file=source_root + 'train_all.txt'))
val_dataloader = dict(dataset=dict(source, ann_file=source_root + 'val.txt'))
test_dataloader = dict(dataset=dict(source, ann_file=source_root + 'val.txt'))
val_evaluator = [dict(type='AccMetric', metric_list=('top_k_accuracy', 'mean_class_accuracy'),
                      metric_options=dict(top_k_accuracy=dict(topk=(1, 3))))]
test_evaluator = val_evaluator

# 600 iterations of batch 8 = 8 passes over the 600 source clips (source val top-1 56 / 55 / 59 % at 200 / 400 /
# 600, chance 25 %; docs/results.md).
max_iters = 600
train_cfg = dict(max_iters=max_iters, val_interval=200)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', T_max=max_iters - 50, eta_min=1e-5, by_epoch=False, begin=50, end=max_iters),
]
default_hooks = dict(checkpoint=dict(interval=200, save_best=None, max_keep_ckpts=1))
