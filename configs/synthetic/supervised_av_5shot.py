# Supervised-only baseline of the semi-supervised study: supervised_av.py (same model, budget and schedule) trained
# on the 5-shot labeled list only (5 clip(s) per class, 30 in all); the unlabeled rest is not used.
_base_ = ['./supervised_av.py']
# InfiniteSampler: a DefaultSampler over a few clips ends its epoch after every batch or two, and restarting the
# loader each time made an iteration cost ~2 s of waiting instead of ~0.2 s; batches stay 8 clips.
train_dataloader = dict(sampler=dict(type='InfiniteSampler', shuffle=True),
                        dataset=dict(ann_file='data/synthetic_av/train_labeled_5shot.txt'))
