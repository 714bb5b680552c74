# Ablation (Table 2 "AV + TubeToken"): the audio-visual mean teacher of asl_1shot.py with SVFormer's TubeToken
# mixup (one random tube mask per batch, lam ~ Beta(10, 10)) instead of ASL-guided mixup, no localizer, no L_c.
_base_ = ['./asl_1shot.py']
model = dict(mixer=dict(_delete_=True, type='TubeTokenMixup', alpha=10, share_across_batch=True),
             localizer=None, semi_train_cfg=dict(gamma3=0.0))
