# Semi-supervised loader on the synthetic set (docs/data_pipeline.md, "Config snippets"): the pipelines of
# synthetic_av.py wrapped in MultiBranchAV, ConcatDataset([labeled, unlabeled]) read 1 : 5 by
# LabeledUnlabeledSampler (batch 6 = 1 labeled + 5 unlabeled clips), multi_branch_collate.
# Labeled clips fill `sup` (weak view); unlabeled clips are decoded once and fill `unsup_weak` (teacher) and
# `unsup_strong` (student), the latter with the FNAC localizer's spectrogram `loc_audios` of a 0.3 s window centred
# on the clip's centre frame (docs/localizer.md) for ASL-guided mixup. Map-free mixers ignore it.
#
# Variables: everything of synthetic_av.py, plus branch_field, loc_window, semi_decode, loc_transforms, strong_loc,
# labeled_pipeline, unlabeled_pipeline, labeled_dataset, unlabeled_dataset, num_unlabeled (lines of
# unlabeled_ann_file; FlexMatch's state size). k-shot variants replace both ann files and num_unlabeled.
_base_ = ['./synthetic_av.py']

num_unlabeled = 1196  # train_unlabeled_1shot.txt (1200 - 4)
branch_field = ['sup', 'unsup_weak', 'unsup_strong']
# The localizer's audio input as configs/localizer/fnac_r18_synthetic.py trains it (keep the two in step): a 0.3 s
# window centred on the clip's centre frame (LocAudioDecode reads the audio around the clip, LocAudioWindow cuts
# the window) and a coarse spectrogram (nperseg 128, no overlap: (1, 65, 37)).
loc_window = 0.3
semi_decode = [*_base_.decode, dict(type='LocAudioDecode', window=loc_window)]
loc_transforms = [dict(type='LocAudioWindow', window=loc_window, frame='center'),
                  dict(type='FNACSpectrogram', nperseg=128, noverlap=0)]
strong_loc = _base_.strong[:-2] + loc_transforms + _base_.strong[-2:]  # before FormatShape, PackAVInputs

labeled_pipeline = [dict(type='AVInit'),
                    dict(type='MultiBranchAV', branch_field=branch_field, decode=_base_.decode, sup=_base_.weak)]
unlabeled_pipeline = [dict(type='AVInit'),
                      dict(type='MultiBranchAV', branch_field=branch_field, decode=semi_decode,
                           unsup_weak=_base_.weak, unsup_strong=strong_loc)]
labeled_dataset = dict(type='AVVideoDataset', ann_file=_base_.labeled_ann_file,
                       data_prefix=dict(video=_base_.data_root), classes_file=_base_.classes_file,
                       pipeline=labeled_pipeline)
unlabeled_dataset = dict(labeled_dataset, type='UnlabeledAVVideoDataset', ann_file=_base_.unlabeled_ann_file,
                         pipeline=unlabeled_pipeline)

train_dataloader = dict(
    _delete_=True, batch_size=6, num_workers=2, persistent_workers=True,
    sampler=dict(type='LabeledUnlabeledSampler', batch_size=6, mu=5),
    collate_fn=dict(type='multi_branch_collate'),
    dataset=dict(type='ConcatDataset', datasets=[labeled_dataset, unlabeled_dataset]))
