# Supervised-only baseline of the semi-supervised study: the model of supervised_av.py (pretrained encoders, new
# fusion head) trained on the 1-shot labeled list only (1 clip per class, 4 in all); the unlabeled rest is unused.
# The semi-supervised rows fine-tune this run. It trains on weak views, as the paper's supervised baseline (on the
# students' strong views it reached 46.7 % validation top-1 against 60.8 %; docs/method.md).
_base_ = ['../_base_/synthetic_supervised.py']
# The k-shot regime of the supervised base (weak views, InfiniteSampler, 600 iterations).
train_dataloader = dict(_base_.kshot_train_dataloader,
                        dataset=dict(_base_.kshot_train_dataloader.dataset, ann_file=_base_.labeled_ann_file))
max_iters = _base_.kshot_iters
train_cfg = _base_.kshot_train_cfg
param_scheduler = _base_.kshot_param_scheduler
default_hooks = _base_.kshot_default_hooks
