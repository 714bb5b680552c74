# Fully supervised audio-visual training on the synthetic benchmark (train_all.txt, 1200 clips): tiny divided video
# ViT (8 x 64^2) + tiny AudioEncoder (128 x 192 fbank, 96 patches) + 2-layer fusion head on a CPU. Both encoders
# start from the source-set pretraining (`video_pretrained` and `pretrained` of the dataset base; the fusion head
# and the auxiliary heads start from scratch), as the paper's encoders start from ImageNet / AudioSet weights.
# The supervised configs of configs/synthetic/ inherit this file and change only the model or the list (and the
# k-shot ones the schedule), so every run has the same budget: batch 8, AdamW, the iteration schedule below.
_base_ = [
    './models/vit_tiny_divided_audio_fusion.py',
    './datasets/synthetic_av.py',
    './default_runtime.py',
]
model = dict(
    video_backbone=dict(img_size={{_base_.img_size}}, num_frames=8, patch_size={{_base_.video_patch_size}},
                        init_cfg=dict(type='Pretrained', checkpoint={{_base_.video_pretrained}},
                                      prefix='video_backbone.')),
    audio_backbone=dict(input_length={{_base_.fbank_length}},
                        init_cfg=dict(type='Pretrained', checkpoint={{_base_.pretrained}}, prefix='audio_backbone.')),
    cls_head=dict(num_classes={{_base_.num_classes}}),
    # unimodal auxiliary losses (AVRecognizer.aux_loss_weight, docs/models.md): without them the fusion model
    # learns the audio alone and the video features go constant; not in the paper
    aux_loss_weight=1.0)

# AdamW (lr 1e-3, weight decay 0.05), 50 iterations of linear warm-up then cosine decay over max_iters of batch 8
# (2000 = 13 passes over train_all.txt), validation on val.txt every 250 iterations; the best checkpoint (val
# acc/top1) and the last one are kept.
max_iters = 2000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=250)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
                     clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', T_max=max_iters - 50, eta_min=1e-5, by_epoch=False, begin=50, end=max_iters),
]
default_hooks = dict(logger=dict(interval=20),
                     checkpoint=dict(interval=250, by_epoch=False, save_best='auto', max_keep_ckpts=1))
log_processor = dict(by_epoch=False)
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0)

# The k-shot regime of supervised_av_1shot.py, supervised_av_5shot.py and supervised_video_1shot.py (each sets its
# labeled list): weak views, as the paper's supervised baseline. Trained on the students' strong views instead
# (SpecAugment's 48 masked mel bins often erase a tone), the 1-shot start fused the modalities worse: validation
# top-1 46.7 % against 60.8 % on weak views (seed 0, on the benchmark's earlier variant; docs/method.md). InfiniteSampler, since a DefaultSampler
# over a few clips ends its epoch after every batch or two and restarting the loader made an iteration cost ~2 s
# of waiting instead of ~0.2 s; 600 iterations of 8 clips.
kshot_iters = 600
kshot_train_dataloader = dict(sampler=dict(type='InfiniteSampler', shuffle=True),
                              dataset=dict(pipeline=_base_.train_pipeline))
kshot_train_cfg = dict(max_iters=kshot_iters, val_interval=200)
kshot_param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', T_max=kshot_iters - 50, eta_min=1e-5, by_epoch=False, begin=50, end=kshot_iters),
]
kshot_default_hooks = dict(checkpoint=dict(interval=200))
