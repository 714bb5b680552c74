# Ablation (Table 2 "AV + TubeToken"): the audio-visual mean teacher of asl_1shot.py with SVFormer's TubeToken
# mixup (one random tube mask per batch, lam ~ Beta(10, 10)) instead of ASL-guided mixup, no localizer, no L_c.
_base_ = ['../_base_/synthetic_semi.py', '../_base_/semi/tubetoken.py']
model = dict(_base_.recipe, **_base_.tubetoken, semi_train_cfg=dict(_base_.recipe.semi_train_cfg, gamma3=0.0))
