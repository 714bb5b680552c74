# Supervised-only baseline of the semi-supervised study: supervised_av.py (same model, budget and schedule) trained
# on the 5-shot labeled list only (5 clip(s) per class, 30 in all); the unlabeled rest is not used.
_base_ = ['./supervised_av.py']
train_dataloader = dict(dataset=dict(ann_file='data/synthetic_av/train_labeled_5shot.txt'))
