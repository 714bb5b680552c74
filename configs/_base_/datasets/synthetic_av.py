# The synthetic audio-visual benchmark (docs/synthetic_dataset.md: 112x112, 12 fps, 2.5 s = 30 frames, 16 kHz
# mono, 4 classes, each a shape with its own timbre, half the clips sounding with class-free noise;
# `generate.py data/synthetic_av_bench --preset benchmark`: 300 / 30 / 150 clips per class for train / val / test) at CPU size: 8 frames every 3rd (2.0 s) at 64x64, one fbank of 128 mel bins x
# 192 frames per clip (the 2.0 s span gives 198 frames at a 10 ms shift; 192 = 12 patches of 16).
#
# Variables for other configs (semi-supervised ones import them with `_base_` and reuse them):
#   data_root, classes_file, num_classes, img_size, clip, fbank_length, pretrained (encoder checkpoint),
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
data_root = 'data/synthetic_av_bench/'
# The audio encoder pretrained on the source set (configs/synthetic/pretrain_source_audio.py), the benchmark's
# stand-in for the paper's AudioSet initialisation; tools/run_main_job.sh and synthetic_study.sh train it here once.
pretrained = 'work_dirs/synthetic_pretrain/iter_400.pth'
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
                 dict(type='SubsetAccuracy', annotations=data_root + 'annotations.json')]
test_evaluator = val_evaluator
