# Supervised-only baseline of the 5-shot study: supervised_av_1shot.py (same model, budget, schedule and strong
# views) trained on the 5-shot labeled list only (5 clips per class, 30 in all); the unlabeled rest is unused.
_base_ = ['./supervised_av_1shot.py']
train_dataloader = dict(dataset=dict(ann_file=_base_.data_root + 'train_labeled_5shot.txt'))
