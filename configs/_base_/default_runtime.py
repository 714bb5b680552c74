default_scope = 'mmavssl'

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='AtomicCheckpointHook', interval=1, save_best='auto', max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
    # Skips NaN/Inf steps, stops after 10 in a row, never saves NaN/Inf weights; `nonfinite_guard=None` turns it off.
    nonfinite_guard=dict(type='NonFiniteGuardHook', max_consecutive=10),
    # Refuses checkpoints that leave model parameters unloaded (`allow_partial=True` or --allow-partial-checkpoint).
    checkpoint_coverage=dict(type='CheckpointCoverageHook', allow_partial=False),
    # Counts clips without an audio stream (train/no_audio_clips per epoch; a line at the end of val and test).
    missing_audio=dict(type='MissingAudioHook'),
    # num_classes (and a typed num_unlabeled) of the model must match the class file and the unlabeled list.
    data_model_check=dict(type='DataModelCheckHook'))

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
