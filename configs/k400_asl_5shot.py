# Table 1 "Ours" on k400 (5-shot): _base_/semi_asl_vit_b.py on _base_/datasets/k400_av.py with its classes
# and the 5-shot lists; the FlexMatch state and the 50-epoch schedule follow the unlabeled list
# (_base_/semi_asl_vit_b.py).
_base_ = ['./_base_/semi_asl_vit_b.py', './_base_/datasets/k400_av.py']
labeled_ann_file = _base_.data_root + 'train_labeled_5shot.txt'
unlabeled_ann_file = _base_.data_root + 'train_unlabeled_5shot.txt'
train_dataloader = dict(dataset=dict(datasets=[dict(_base_.labeled_dataset, ann_file=labeled_ann_file),
                                               dict(_base_.unlabeled_dataset, ann_file=unlabeled_ann_file)]))
model = dict(recognizer=dict(cls_head=dict(num_classes=_base_.num_classes)),
             threshold=dict(num_classes=_base_.num_classes))
