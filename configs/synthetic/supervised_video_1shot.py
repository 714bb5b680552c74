# Video-only supervised baseline (SVFormer's supervised model) on the 1-shot labeled list: supervised_video.py
# with the list of supervised_av_1shot.py.
_base_ = ['./supervised_video.py']
train_dataloader = dict(dataset=dict(ann_file='data/synthetic_av/train_labeled_1shot.txt'))
