# SVFormer's official schedule (configs of the SVFormer repository): SGD lr 0.005, momentum 0.9, weight decay
# 1e-4, 30 epochs, lr x0.1 at epoch 25 and x0.01 at epoch 28, no warmup, validation and checkpoints every 5
# epochs (checkpoints via default_hooks.checkpoint.interval=5 in the model config). Used to reproduce the
# SVFormer baseline; sgd_50e.py is the paper's setting.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.005, momentum=0.9, weight_decay=1e-4),
    clip_grad=None)

param_scheduler = [
    dict(type='MultiStepLR', begin=0, end=30, by_epoch=True, milestones=[25, 28], gamma=0.1)
]

auto_scale_lr = dict(enable=False, base_batch_size=64)
