# Table 1 "Ours" on vggsound (5-shot): _base_/semi_asl_vit_b.py on _base_/datasets/vggsound_av.py.
# Schedule: 50 epochs of the unlabeled set (the paper's 50 epochs; one epoch = num_unlabeled / (5 x GPUs) steps),
# written for 8 GPUs x (1 labeled + 5 unlabeled); lr x0.1 at 84 % and 94 % (SVFormer's 25 / 28 of 30 epochs).
_base_ = ['./_base_/semi_asl_vit_b.py', './_base_/datasets/vggsound_av.py']
labeled_ann_file = _base_.data_root + 'train_labeled_5shot.txt'
unlabeled_ann_file = _base_.data_root + 'train_unlabeled_5shot.txt'
num_unlabeled = _base_.num_unlabeled - 4 * _base_.num_classes  # 4 more labeled clips per class
train_dataloader = dict(dataset=dict(datasets=[dict(_base_.labeled_dataset, ann_file=labeled_ann_file),
                                               dict(_base_.unlabeled_dataset, ann_file=unlabeled_ann_file)]))
model = dict(recognizer=dict(cls_head=dict(num_classes=_base_.num_classes)),
             threshold=dict(num_classes=_base_.num_classes, num_unlabeled=num_unlabeled))
max_iters = 50 * (num_unlabeled // (5 * 8) + 1)
train_cfg = dict(type='SemiIterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters // 10)
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
                        milestones=[int(0.84 * max_iters), int(0.94 * max_iters)], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=max_iters // 10, by_epoch=False, max_keep_ckpts=2),
                     logger=dict(interval=50))
