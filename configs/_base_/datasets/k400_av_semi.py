# Semi-supervised loader on k400_av.py (1-shot lists; k-shot configs replace both ann files): the pipelines of
# av_paper_common.py in MultiBranchAV (sup = weak; unsup_weak = weak; unsup_strong = strong + the FNAC
# spectrogram of 3 s around the clip centre for ASL), ConcatDataset([labeled, unlabeled]), 1 labeled + 5
# unlabeled clips per GPU batch (LabeledUnlabeledSampler), multi_branch_collate. See synthetic_av_semi.py.
_base_ = ['./k400_av.py']

branch_field = ['sup', 'unsup_weak', 'unsup_strong']
semi_decode = [*_base_.decode, dict(type='LocAudioDecode', window=1.5)]  # audio around the clip for FNAC
strong_loc = _base_.strong[:-2] + [dict(type='LocAudioWindow', window=3.0), dict(type='FNACSpectrogram')] + \
    _base_.strong[-2:]
labeled_dataset = dict(_base_.train_dataloader.dataset, ann_file=_base_.labeled_ann_file, pipeline=[
    dict(type='AVInit'), dict(type='MultiBranchAV', branch_field=branch_field, decode=_base_.decode, sup=_base_.weak)])
unlabeled_dataset = dict(labeled_dataset, type='UnlabeledAVVideoDataset', ann_file=_base_.unlabeled_ann_file,
                         pipeline=[dict(type='AVInit'),
                                   dict(type='MultiBranchAV', branch_field=branch_field, decode=semi_decode,
                                        unsup_weak=_base_.weak, unsup_strong=strong_loc)])
# FlexMatch keeps one state entry per unlabeled clip: set num_unlabeled to the line count of unlabeled_ann_file
# (`wc -l`); the value here is the approximate size of the set:
# Kinetics-400: ~240k training clips with audio.
num_unlabeled = 240000
train_dataloader = dict(
    _delete_=True, batch_size=6, num_workers=8, persistent_workers=True,
    sampler=dict(type='LabeledUnlabeledSampler', batch_size=6, mu=5),
    collate_fn=dict(type='multi_branch_collate'),
    dataset=dict(type='ConcatDataset', datasets=[labeled_dataset, unlabeled_dataset]))
