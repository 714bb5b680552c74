# Table 2 "AV + TubeToken + L_c": ucf51_av_tubetoken_1shot.py with the contrastive loss (gamma3 = 0.1).
_base_ = ['./ucf51_av_tubetoken_1shot.py']
model = dict(semi_train_cfg=dict(gamma3=0.1))
