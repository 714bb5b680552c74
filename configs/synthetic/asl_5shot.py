# The method (asl_1shot.py) with 5 labeled clips per class (20 labeled, 1180 unlabeled).
_base_ = ['../_base_/synthetic_semi.py']
model = _base_.recipe
train_dataloader = dict(dataset=dict(datasets=[
    dict(_base_.labeled_dataset, ann_file=_base_.data_root + 'train_labeled_5shot.txt'),
    dict(_base_.unlabeled_dataset, ann_file=_base_.data_root + 'train_unlabeled_5shot.txt')]))
