# Supervised-only baseline of the 5-shot study: supervised_av_1shot.py (same model, budget, schedule and weak
# views) trained on the 5-shot labeled list only (5 clips per class, 20 in all); the unlabeled rest is unused.
_base_ = ['../_base_/synthetic_supervised.py']
# The k-shot regime of the supervised base (weak views, InfiniteSampler, 600 iterations).
train_dataloader = dict(_base_.kshot_train_dataloader,
                        dataset=dict(_base_.kshot_train_dataloader.dataset, ann_file=_base_.data_root + 'train_labeled_5shot.txt'))
max_iters = _base_.kshot_iters
train_cfg = _base_.kshot_train_cfg
param_scheduler = _base_.kshot_param_scheduler
default_hooks = _base_.kshot_default_hooks
