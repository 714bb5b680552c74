# Video-only supervised baseline (SVFormer's supervised model) at the budget of supervised_av_1shot.py: the same
# pretrained video ViT with a linear head on its CLS token (audio_backbone=None), the 1-shot labeled list.
_base_ = ['../_base_/synthetic_supervised.py']
model = dict(
    audio_backbone=None,
    aux_loss_weight=0.0,  # one modality: no auxiliary heads
    cls_head=dict(_delete_=True, type='LinearClsHead', num_classes={{_base_.num_classes}}, in_channels=96))
# The k-shot regime of the supervised base (weak views, InfiniteSampler, 600 iterations).
train_dataloader = dict(_base_.kshot_train_dataloader,
                        dataset=dict(_base_.kshot_train_dataloader.dataset, ann_file=_base_.labeled_ann_file))
max_iters = _base_.kshot_iters
train_cfg = _base_.kshot_train_cfg
param_scheduler = _base_.kshot_param_scheduler
default_hooks = _base_.kshot_default_hooks
