# Tiny iteration-based CPU config for the toolbox tests: a linear classifier on 16 random AV clips
# (tests/data/toy_components.py, which must be importable as ``toy_components``), 8 iterations of batch 4.
_base_ = [
    '../../../configs/_base_/default_runtime.py',
    '../../../configs/_base_/schedules/sgd_200iter.py',
]
custom_imports = dict(imports=['toy_components'], allow_failed_imports=False)

model = dict(type='ToyAVClassifier', num_classes=4)

train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='ToyAVDataset', num_samples=16, num_classes=4, seed=0))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='ToyAVDataset', num_samples=8, num_classes=4, seed=0))
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

# lr 0.5 so that 8 steps visibly move the weights; the milestone at 6 exercises the scheduler state on resume.
optim_wrapper = dict(optimizer=dict(lr=0.5))
param_scheduler = [dict(type='MultiStepLR', begin=0, end=8, by_epoch=False, milestones=[6], gamma=0.1)]
train_cfg = dict(max_iters=8, val_interval=4)
default_hooks = dict(
    logger=dict(interval=2),
    checkpoint=dict(interval=2, by_epoch=False, save_best=None, max_keep_ckpts=-1))
log_processor = dict(by_epoch=False)
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0)
