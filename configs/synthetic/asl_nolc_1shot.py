# Ablation (Table 2 "ASL w/o L_c"): asl_1shot.py without the audio-visual contrastive loss (gamma3 = 0).
_base_ = ['../_base_/synthetic_semi.py']
model = dict(_base_.recipe, semi_train_cfg=dict(_base_.recipe.semi_train_cfg, gamma3=0.0))
