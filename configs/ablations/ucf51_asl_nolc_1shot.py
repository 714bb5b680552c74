# Table 2 "AV + ASL" (without L_c) on UCF-51 1-shot: the method of _base_/semi/asl.py with gamma3 = 0.
_base_ = ['../_base_/semi_asl_vit_b.py', '../_base_/datasets/ucf51_av.py']
model = dict(semi_train_cfg=dict(gamma3=0.0))
