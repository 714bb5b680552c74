# Pretraining on the synthetic *source* set, the benchmark's stand-in for the paper's ImageNet / AudioSet
# initialisation (docs/synthetic_dataset.md, "Benchmark regime"): the audio-visual model of supervised_av.py
# trained fully supervised on data/synthetic_av_source (15 classes = 5 shapes x 3 timbres, none of them a
# shape or timbre of the benchmark's classes). Only its two encoders are kept: the benchmark configs load
# `video_backbone.*` and `audio_backbone.*` from it and start the fusion head from scratch, as the paper
# starts from ImageNet ViT-B and AudioSet AST weights with a new head. Run once, shared by every row and seed.
_base_ = ['./supervised_av.py']
source_root = 'data/synthetic_av_source/'
num_classes = 15
source = dict(data_prefix=dict(video=source_root), classes_file=source_root + 'classes.txt')
# From scratch: this run is what the other configs load.
model = dict(video_backbone=dict(init_cfg=None), audio_backbone=dict(init_cfg=None), cls_head=dict(num_classes=num_classes))
train_dataloader = dict(dataset=dict(source, ann_file=source_root + 'train_all.txt'))
val_dataloader = dict(dataset=dict(source, ann_file=source_root + 'val.txt'))
test_dataloader = dict(dataset=dict(source, ann_file=source_root + 'val.txt'))
val_evaluator = [dict(type='AccMetric', metric_list=('top_k_accuracy', 'mean_class_accuracy'),
                      metric_options=dict(top_k_accuracy=dict(topk=(1, 3)))),
                 dict(type='FactorAccuracy', factor_sizes=(5, 3), factor_names=('shape', 'timbre'))]
test_evaluator = val_evaluator

# 2000 iterations of batch 8 = 18 passes over the 900 source clips.
max_iters = 2000
train_cfg = dict(max_iters=max_iters, val_interval=500)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', T_max=max_iters - 50, eta_min=1e-5, by_epoch=False, begin=50, end=max_iters),
]
default_hooks = dict(checkpoint=dict(interval=500, save_best=None, max_keep_ckpts=1))
