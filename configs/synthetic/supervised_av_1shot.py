# Supervised-only baseline of the semi-supervised study: the model of supervised_av.py (pretrained encoders, new
# fusion head) trained on the 1-shot labeled list only (1 clip per class, 4 in all); the unlabeled rest is unused.
# The semi-supervised rows fine-tune this run, so it sees the students' strong views (ClipRandAugment,
# TemporalWarp, SpecAugment) from the start: a start trained on weak views only misreads them (docs/method.md).
_base_ = ['../_base_/synthetic_supervised.py']
# The k-shot regime of the supervised base (strong views, InfiniteSampler, 600 iterations).
train_dataloader = dict(_base_.kshot_train_dataloader,
                        dataset=dict(_base_.kshot_train_dataloader.dataset, ann_file=_base_.labeled_ann_file))
max_iters = _base_.kshot_iters
train_cfg = _base_.kshot_train_cfg
param_scheduler = _base_.kshot_param_scheduler
default_hooks = _base_.kshot_default_hooks
