# Diagnostic of configs/synthetic/asl_1shot.py: the student sees the weak view of each unlabeled clip (the teacher's
# augmentation, with the localizer's spectrogram) instead of the strong one, to tell whether the strong view is what
# keeps the video branch from learning. A method would keep a strong view (FixMatch's consistency needs one).
_base_ = ['../../../configs/synthetic/asl_1shot.py']

_weak_view = _base_.weak[:-2] + _base_.loc_transforms + _base_.weak[-2:]
_unlabeled = dict(_base_.unlabeled_dataset,
                  pipeline=[dict(type='AVInit'),
                            dict(type='MultiBranchAV', branch_field=_base_.branch_field, decode=_base_.semi_decode,
                                 unsup_weak=_base_.weak, unsup_strong=_weak_view)])
train_dataloader = dict(dataset=dict(datasets=[_base_.labeled_dataset, _unlabeled]))
