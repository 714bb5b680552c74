# Video-only supervised baseline (SVFormer's supervised model) at the budget of supervised_av_1shot.py: the same
# pretrained video ViT with a linear head on its CLS token (audio_backbone=None), the 1-shot labeled list.
_base_ = ['../_base_/synthetic_supervised.py']
model = dict(
    audio_backbone=None,
    aux_loss_weight=0.0,  # one modality: no auxiliary heads
    cls_head=dict(_delete_=True, type='LinearClsHead', num_classes={{_base_.num_classes}}, in_channels=96))
# The k-shot regime of supervised_av_1shot.py (tests/configs/test_configs.py keeps the k-shot budgets equal).
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
