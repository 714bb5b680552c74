# Supervised-only baseline of the semi-supervised study: supervised_av.py (same model, budget and schedule) trained
# on the 1-shot labeled list only (1 clip(s) per class, 6 in all); the unlabeled rest is not used.
_base_ = ['./supervised_av.py']
train_dataloader = dict(dataset=dict(ann_file='data/synthetic_av/train_labeled_1shot.txt'))
