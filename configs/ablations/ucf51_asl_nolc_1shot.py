# Table 2 "AV + ASL" (without L_c): ucf51_asl_1shot.py with gamma3 = 0.
_base_ = ['../ucf51_asl_1shot.py']
model = dict(semi_train_cfg=dict(gamma3=0.0))
