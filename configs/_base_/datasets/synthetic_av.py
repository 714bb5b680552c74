# The synthetic audio-visual benchmark (docs/synthetic_dataset.md: 112x112, 12 fps, 2.5 s = 30 frames, 16 kHz
# mono, 4 classes, each a shape with its own timbre, half the clips sounding with class-free noise;
# `generate.py data/synthetic_av_bench --preset benchmark`: 300 / 30 / 150 clips per class for train / val / test) at CPU size: 8 frames every 3rd (2.0 s) at 64x64, one fbank of 128 mel bins x
# 192 frames per clip (the 2.0 s span gives 198 frames at a 10 ms shift; 192 = 12 patches of 16).
#
# Variables for other configs (semi-supervised ones import them with `_base_` and reuse them):
#   data_root, classes_file, num_classes, img_size, clip, fbank_length, pretrained / video_pretrained (encoder
#   checkpoints), video_patch_size,
#   labeled_ann_file / unlabeled_ann_file (1-shot lists; replace 1shot by 5shot)
#   decode          [SampleFrames, AVDecode, AudioFbank]: one training clip with the audio of its span
#   weak            labeled / teacher view: RandomResizedCrop (>= half the area) to 64x64, Flip, FormatShape,
#                   PackAVInputs
#   strong          student view: weak + ClipRandAugment + TemporalWarp + SpecAugment
#   train_pipeline  supervised training: [AVInit, *decode, *weak]
#   val_pipeline    1 clip (centre of the video), the whole frame at 64x64
#   test_pipeline   2 clips x 1 crop (the whole frame) = 2 views. Frames are square, so ThreeCrop would only
#                   repeat the frame; the two clips cover 0-2.0 s and 0.5-2.5 s, each with its own audio.
#   train_dataset, val_dataset, test_dataset (dicts; override ann_file / pipeline per experiment)
#   train_dataloader, val_dataloader, test_dataloader, val_evaluator, test_evaluator
#   semi-supervised loader (configs/_base_/synthetic_semi.py trains with it): semi_train_dataloader and its parts
#                   below (branch_field, loc_window, semi_decode, loc_transforms, strong_loc,
#                   labeled_pipeline, unlabeled_pipeline, labeled_dataset, unlabeled_dataset)
# Data folders: data/synthetic_av_bench and data/synthetic_av_source unless the environment variables
# MMAVSSL_SYNTHETIC_ROOT / MMAVSSL_SYNTHETIC_SOURCE_ROOT name others (mmengine's {{$VAR:default}}; the main job
# sets them to its --data-root / --source-root).
data_root = '{{$MMAVSSL_SYNTHETIC_ROOT:data/synthetic_av_bench}}/'
# The audio encoder pretrained on the source set (configs/synthetic/pretrain_source_audio.py), the benchmark's
# stand-in for the paper's AudioSet initialisation; tools/run_main_job.sh and synthetic_study.sh train it here once.
pretrained = 'work_dirs/synthetic_pretrain/iter_400.pth'
# The video encoder pretrained on the source set (configs/synthetic/pretrain_source_video.py), the stand-in for the
# paper's ImageNet initialisation; trained once, as the audio one.
video_pretrained = 'work_dirs/synthetic_pretrain_video/iter_600.pth'
# Video patch size: an 8 px patch grid (8 x 8 tokens a frame at 64 px) learns the ~20 px shapes in half the
# iterations a 16 px one needs, where a shape at a random offset falls across four patches (docs/results.md).
video_patch_size = 8
classes_file = data_root + 'classes.txt'
num_classes = 4
img_size = 64
clip = dict(clip_len=8, frame_interval=3, out_of_bound_opt='repeat_last')
fbank_length = 192
labeled_ann_file = data_root + 'train_labeled_1shot.txt'
unlabeled_ann_file = data_root + 'train_unlabeled_1shot.txt'

decode = [
    dict(type='SampleFrames', num_clips=1, **clip),
    dict(type='AVDecode', sample_rate=16000, missing_audio='zeros'),
    dict(type='AudioFbank', num_mel_bins=128, target_length=fbank_length),
]
# RandomResizedCrop keeps at least half the frame: the sounding object covers ~1 % of it and must stay in view.
weak = [
    dict(type='RandomResizedCrop', area_range=(0.5, 1.0)),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackAVInputs'),
]
# time_mask scales AST's 192 of 1024 frames with the fbank length (docs/data_pipeline.md); freq_mask is AST's 48/128.
strong = weak[:3] + [
    dict(type='ClipRandAugment', num_ops=2, magnitude=9),
    dict(type='TemporalWarp', keep_choices=(2, 4, None)),
    dict(type='SpecAugment', freq_mask=48, time_mask=36),
] + weak[3:]

train_pipeline = [dict(type='AVInit'), *decode, *weak]
val_pipeline = [
    dict(type='AVInit'),
    dict(decode[0], test_mode=True),
    *decode[1:],
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackAVInputs'),
]
test_pipeline = [val_pipeline[0], dict(val_pipeline[1], num_clips=2), *val_pipeline[2:]]

dataset_type = 'AVVideoDataset'
train_dataset = dict(type=dataset_type, ann_file=data_root + 'train_all.txt', data_prefix=dict(video=data_root),
                     classes_file=classes_file, pipeline=train_pipeline)
val_dataset = dict(type=dataset_type, ann_file=data_root + 'val.txt', data_prefix=dict(video=data_root),
                   classes_file=classes_file, pipeline=val_pipeline, test_mode=True)
test_dataset = dict(type=dataset_type, ann_file=data_root + 'test.txt', data_prefix=dict(video=data_root),
                    classes_file=classes_file, pipeline=test_pipeline, test_mode=True)

train_dataloader = dict(batch_size=8, num_workers=2, persistent_workers=True,
                        sampler=dict(type='DefaultSampler', shuffle=True), dataset=train_dataset)
val_dataloader = dict(batch_size=8, num_workers=1, persistent_workers=True,
                      sampler=dict(type='DefaultSampler', shuffle=False), dataset=val_dataset)
test_dataloader = dict(batch_size=4, num_workers=1, persistent_workers=True,
                       sampler=dict(type='DefaultSampler', shuffle=False), dataset=test_dataset)

# subset/sound_names_class and subset/sound_ambiguous: top-1 on the clips whose sound is the class's timbre and on
# those sounding with class-free noise, where only the video names the class.
val_evaluator = [dict(type='AccMetric', metric_list=('top_k_accuracy', 'mean_class_accuracy'),
                      metric_options=dict(top_k_accuracy=dict(topk=(1, 3)))),
                 dict(type='SubsetAccuracy')]
test_evaluator = val_evaluator

# The pretraining source set (data/synthetic_av_source, `generate.py --preset source`) in the loaders above, for
# configs/synthetic/pretrain_source_{audio,video}.py: full training list, validation list also as the test list,
# no subset metric (every source clip's sound names its class), one checkpoint kept.
source_root = '{{$MMAVSSL_SYNTHETIC_SOURCE_ROOT:data/synthetic_av_source}}/'
source_num_classes = 4
source_dataset = dict(data_prefix=dict(video=source_root), classes_file=source_root + 'classes.txt')
source_train_dataloader = dict(dataset=dict(source_dataset, ann_file=source_root + 'train_all.txt'))
source_val_dataloader = dict(dataset=dict(source_dataset, ann_file=source_root + 'val.txt'))
source_evaluator = val_evaluator[:1]
source_default_hooks = dict(checkpoint=dict(interval=200, save_best=None, max_keep_ckpts=1))

# Semi-supervised loader (docs/data_pipeline.md, "Config snippets"): the pipelines above wrapped in MultiBranchAV,
# ConcatDataset([labeled, unlabeled]) read 1 : 5 by LabeledUnlabeledSampler (batch 6 = 1 labeled + 5 unlabeled
# clips), multi_branch_collate. Labeled clips fill `sup` (weak view); unlabeled clips are decoded once and fill
# `unsup_weak` (teacher) and `unsup_strong` (student), the latter with the FNAC localizer's spectrogram `loc_audios`
# of a 0.3 s window centred on the clip's centre frame (docs/localizer.md) for ASL-guided mixup. Map-free mixers
# ignore it. k-shot variants replace both ann files; FlexMatch's per-clip state is sized from the unlabeled list.
branch_field = ['sup', 'unsup_weak', 'unsup_strong']
# The localizer's audio input as configs/localizer/fnac_r18_synthetic.py trains it (keep the two in step): a 0.3 s
# window centred on the clip's centre frame (AVDecode's audio_margin keeps the audio of the clip +- 0.3 s from the
# same read as the clip's audio, LocAudioWindow cuts the window) and a coarse spectrogram (nperseg 128, no overlap:
# (1, 65, 37)).
loc_window = 0.3
semi_decode = [decode[0], dict(decode[1], audio_margin=loc_window), *decode[2:]]
loc_transforms = [dict(type='LocAudioWindow', window=loc_window, frame='center'),
                  dict(type='FNACSpectrogram', nperseg=128, noverlap=0)]
strong_loc = strong[:-2] + loc_transforms + strong[-2:]  # before FormatShape, PackAVInputs

labeled_pipeline = [dict(type='AVInit'),
                    dict(type='MultiBranchAV', branch_field=branch_field, decode=decode, sup=weak)]
unlabeled_pipeline = [dict(type='AVInit'),
                      dict(type='MultiBranchAV', branch_field=branch_field, decode=semi_decode,
                           unsup_weak=weak, unsup_strong=strong_loc)]
labeled_dataset = dict(type='AVVideoDataset', ann_file=labeled_ann_file,
                       data_prefix=dict(video=data_root), classes_file=classes_file,
                       pipeline=labeled_pipeline)
unlabeled_dataset = dict(labeled_dataset, type='UnlabeledAVVideoDataset', ann_file=unlabeled_ann_file,
                         pipeline=unlabeled_pipeline)

semi_train_dataloader = dict(
    batch_size=6, num_workers=2, persistent_workers=True,
    sampler=dict(type='LabeledUnlabeledSampler', batch_size=6, mu=5),
    collate_fn=dict(type='multi_branch_collate'),
    dataset=dict(type='ConcatDataset', datasets=[labeled_dataset, unlabeled_dataset]))
