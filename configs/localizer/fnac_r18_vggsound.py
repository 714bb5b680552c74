# FNAC localizer at paper size on VGGSound (Sun et al., CVPR 2023): 224 px frames, 3 s windows, batch 128,
# 20 epochs, 3 warmup epochs (base config), Adam 1e-4. Lists from tools/data/vggsound/prepare_vggsound.py.
# Evaluation needs VGG-SS boxes converted to per-video annotations (not provided offline), so this config
# trains only; evaluate its checkpoint with a test config whose pipeline sets gt_boxes.
_base_ = ['../_base_/models/fnac_r18.py', '../_base_/default_runtime.py']

root = 'data/vggsound/'
window = 3.0

train_pipeline = [
    dict(type='AVInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=1, out_of_bound_opt='repeat_last'),
    dict(type='AVDecode', audio_margin=window),  # the frame and the audio of window seconds on each side
    dict(type='LocAudioWindow', window=window, keep_single_frame=True),
    dict(type='FNACSpectrogram', augment=True),
    dict(type='Resize', scale=(-1, 246)),          # FNAC: Resize(224 * 1.1), RandomCrop(224), flip
    dict(type='RandomCrop', size=224),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackAVInputs')]

train_dataloader = dict(
    batch_size=128, num_workers=8, persistent_workers=True, drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='AVVideoDataset', ann_file=root + 'vggsound_train_list_videos.txt',
                 data_prefix=dict(video=root + 'videos'), classes_file=root + 'classes.txt',
                 pipeline=train_pipeline))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=20, val_interval=1)
val_cfg = val_dataloader = val_evaluator = None
test_cfg = test_dataloader = test_evaluator = None
default_hooks = dict(checkpoint=dict(save_best=None))
