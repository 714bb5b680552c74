# Table 2 "AV + TubeToken" on UCF-51 1-shot: _base_/semi/tubetoken.py (SVFormer's TubeToken mixup instead of
# ASL-guided mixup, no localizer) without L_c.
_base_ = ['../_base_/semi_asl_vit_b.py', '../_base_/datasets/ucf51_av.py', '../_base_/semi/tubetoken.py']
model = dict(_base_.tubetoken, semi_train_cfg=dict(gamma3=0.0))
