# Ablation (Table 2 "AV + TubeToken + L_c"): av_tubetoken_nolc_1shot.py with the contrastive loss (gamma3 = 0.1).
_base_ = ['../_base_/synthetic_semi.py', '../_base_/semi/tubetoken.py']
model = dict(_base_.recipe, **_base_.tubetoken)
