# Paper-size audio-visual pipelines and loaders shared by ucf51_av.py, k400_av.py and vggsound_av.py
# (Kang & Kim 2025 follow SVFormer): 8 frames every 8th at 224^2, one fbank of 128 mel bins x 256 frames per clip
# (8 x 8 frames at 25 fps = 2.56 s of audio, docs/data_pipeline.md); test: 5 clips x 3 crops = 15 views
# (paper Sec. 4.2).
# Experiment configs should set model.audio_backbone.input_length=fbank_length (the AST base model says 1024 =
# 10 s; position embeddings would otherwise be resized on the fly).
#
# The semi-supervised loader is written here once: every paper-size experiment is semi-supervised, so it is the
# train_dataloader; the dataset configs put their labeled_ann_file / unlabeled_ann_file and video folder into
# labeled_dataset / unlabeled_dataset. A supervised config on a paper-size dataset uses the dataset config's
# supervised_train_dataloader (the whole training list): train_dataloader = dict(_base_.supervised_train_dataloader,
# _delete_=True).
#
# Variables for other configs (as in configs/_base_/datasets/synthetic_av.py):
#   img_size, clip, fbank_length, decode, weak, strong, train_pipeline, val_pipeline, test_pipeline,
#   val_evaluator, test_evaluator, dataset_type, {train,val,test}_dataloader (without list files),
#   supervised_train_dataloader, branch_field, semi_decode, strong_loc, labeled_dataset, unlabeled_dataset
img_size = 224
clip = dict(clip_len=8, frame_interval=8, out_of_bound_opt='repeat_last')
fbank_length = 256

decode = [
    dict(type='SampleFrames', num_clips=1, **clip),
    dict(type='AVDecode', sample_rate=16000, missing_audio='zeros'),
    dict(type='AudioFbank', num_mel_bins=128, target_length=fbank_length),
]
weak = [
    dict(type='RandomRescale', scale_range=(256, 320)),
    dict(type='RandomCrop', size=img_size),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackAVInputs'),
]
# SpecAugment: AST's 48 mel bins and 192 of 1024 frames, the latter scaled to the 256-frame fbank.
strong = weak[:3] + [
    dict(type='ClipRandAugment', num_ops=2, magnitude=9),
    dict(type='TemporalWarp', keep_choices=(2, 4, None)),
    dict(type='SpecAugment', freq_mask=48, time_mask=48),
] + weak[3:]

train_pipeline = [dict(type='AVInit'), *decode, *weak]
val_pipeline = [
    dict(type='AVInit'),
    dict(decode[0], test_mode=True),
    *decode[1:],
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=img_size),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackAVInputs'),
]
test_pipeline = [
    val_pipeline[0], dict(val_pipeline[1], num_clips=5), *decode[1:],
    dict(type='Resize', scale=(-1, img_size)),
    dict(type='ThreeCrop', crop_size=img_size),
    *val_pipeline[-2:],
]

val_evaluator = dict(type='AccMetric', metric_list=('top_k_accuracy', 'mean_class_accuracy'))
test_evaluator = val_evaluator

# Loader settings per GPU; the dataset configs add ann_file, data_prefix and classes_file.
dataset_type = 'AVVideoDataset'
supervised_train_dataloader = dict(batch_size=8, num_workers=8, persistent_workers=True,
                                   sampler=dict(type='DefaultSampler', shuffle=True),
                                   dataset=dict(type=dataset_type, pipeline=train_pipeline))
val_dataloader = dict(batch_size=8, num_workers=8, persistent_workers=True,
                      sampler=dict(type='DefaultSampler', shuffle=False),
                      dataset=dict(type=dataset_type, pipeline=val_pipeline, test_mode=True))
test_dataloader = dict(batch_size=1, num_workers=8, persistent_workers=True,
                       sampler=dict(type='DefaultSampler', shuffle=False),
                       dataset=dict(type=dataset_type, pipeline=test_pipeline, test_mode=True))

# Semi-supervised loader: the pipelines above in MultiBranchAV (sup = weak; unsup_weak = weak; unsup_strong = strong
# + the FNAC spectrogram of 3 s around the clip centre for ASL), ConcatDataset([labeled, unlabeled]), 1 labeled + 5
# unlabeled clips per GPU batch (LabeledUnlabeledSampler), multi_branch_collate. See synthetic_av.py.
branch_field = ['sup', 'unsup_weak', 'unsup_strong']
# one audio read: the clip's span for the fbank and 1.5 s more on each side for FNAC's 3 s window
semi_decode = [decode[0], dict(decode[1], audio_margin=1.5), *decode[2:]]
strong_loc = strong[:-2] + [dict(type='LocAudioWindow', window=3.0), dict(type='FNACSpectrogram')] + strong[-2:]
labeled_dataset = dict(type=dataset_type, pipeline=[
    dict(type='AVInit'), dict(type='MultiBranchAV', branch_field=branch_field, decode=decode, sup=weak)])
unlabeled_dataset = dict(labeled_dataset, type='UnlabeledAVVideoDataset',
                         pipeline=[dict(type='AVInit'),
                                   dict(type='MultiBranchAV', branch_field=branch_field, decode=semi_decode,
                                        unsup_weak=weak, unsup_strong=strong_loc)])
train_dataloader = dict(
    batch_size=6, num_workers=8, persistent_workers=True,
    sampler=dict(type='LabeledUnlabeledSampler', batch_size=6, mu=5),
    collate_fn=dict(type='multi_branch_collate'),
    dataset=dict(type='ConcatDataset', datasets=[labeled_dataset, unlabeled_dataset]))
