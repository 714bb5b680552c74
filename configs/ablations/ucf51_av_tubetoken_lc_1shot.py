# Table 2 "AV + TubeToken + L_c" on UCF-51 1-shot: _base_/semi/tubetoken.py with the contrastive loss (gamma3 = 0.1).
_base_ = ['../_base_/semi_asl_vit_b.py', '../_base_/datasets/ucf51_av.py', '../_base_/semi/tubetoken.py']
model = _base_.tubetoken
