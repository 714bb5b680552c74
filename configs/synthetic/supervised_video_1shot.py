# Video-only supervised baseline (SVFormer's supervised model) on the 1-shot labeled list: supervised_video.py
# with the list of supervised_av_1shot.py.
_base_ = ['./supervised_video.py']
# InfiniteSampler: a DefaultSampler over a few clips ends its epoch after every batch or two, and restarting the
# loader each time made an iteration cost ~2 s of waiting instead of ~0.2 s; batches stay 8 clips.
train_dataloader = dict(sampler=dict(type='InfiniteSampler', shuffle=True),
                        dataset=dict(ann_file={{_base_.labeled_ann_file}}))
