# Ablation (Table 2 "ASL w/o L_c"): asl_1shot.py without the audio-visual contrastive loss (gamma3 = 0).
_base_ = ['../_base_/synthetic_semi.py']
model = dict(semi_train_cfg=dict(gamma3=0.0))
