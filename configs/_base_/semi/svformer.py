# Table 1 "SVFormer" (Xing et al., CVPR 2023) as the paper runs it: TubeToken mixup (tubetoken.py) on a video-only
# student, so no audio and no L_c, and SVFormer's L_mix (soft confidence weight, on logits: `svformer_losses`).
# An override of a family base's model, put over it by the config together with the family's video-only student:
# `model = dict(_base_.svformer, **_base_.svformer_losses, recognizer=_base_.video_only)`.
_base_ = ['./tubetoken.py']
svformer = dict(_base_.tubetoken, semi_train_cfg=dict(gamma3=0.0))
svformer_losses = dict(mix_loss=dict(weighting='soft', target_space='logit'))
