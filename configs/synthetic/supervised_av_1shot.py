# Supervised-only baseline of the semi-supervised study: the model of supervised_av.py (pretrained encoders, new
# fusion head) trained on the 1-shot labeled list only (1 clip per class, 6 in all); the unlabeled rest is unused.
# The semi-supervised rows fine-tune this run, so it sees the students' strong views (ClipRandAugment,
# TemporalWarp, SpecAugment) from the start: a start trained on weak views only misreads them (docs/method.md).
_base_ = ['../_base_/synthetic_supervised.py']
# InfiniteSampler: a DefaultSampler over a few clips ends its epoch after every batch or two, and restarting the
# loader each time made an iteration cost ~2 s of waiting instead of ~0.2 s; batches stay 8 clips.
train_dataloader = dict(sampler=dict(type='InfiniteSampler', shuffle=True),
                        dataset=dict(ann_file={{_base_.labeled_ann_file}},
                                     pipeline=[dict(type='AVInit'), *_base_.decode, *_base_.strong]))
# 600 iterations of 8 clips: 800 passes over the 6 labeled clips, each a new strong view.
max_iters = 600
train_cfg = dict(max_iters=max_iters, val_interval=200)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', T_max=max_iters - 50, eta_min=1e-5, by_epoch=False, begin=50, end=max_iters),
]
default_hooks = dict(checkpoint=dict(interval=200))
