# A CPU-size iteration-based schedule for smoke runs and tests: the paper's optimiser (SGD, momentum 0.9,
# weight decay 1e-3, lr 0.005) over 200 iterations, lr x0.1 at iteration 150, validation and checkpoints every
# 50 iterations. A config using it must also set default_hooks.checkpoint.by_epoch=False and
# log_processor.by_epoch=False (schedules leave those keys to default_runtime.py: mmengine forbids a key in two
# bases).
train_cfg = dict(type='IterBasedTrainLoop', max_iters=200, val_interval=50)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.005, momentum=0.9, weight_decay=1e-3),
    clip_grad=None)

param_scheduler = [
    dict(type='MultiStepLR', begin=0, end=200, by_epoch=False, milestones=[150], gamma=0.1)
]

auto_scale_lr = dict(enable=False, base_batch_size=8)
