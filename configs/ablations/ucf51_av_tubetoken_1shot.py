# Table 2 "AV + TubeToken" on UCF-51 1-shot: ucf51_asl_1shot.py with SVFormer's TubeToken mixup instead of
# ASL-guided mixup, no localizer, no L_c.
_base_ = ['../ucf51_asl_1shot.py']
model = dict(mixer=dict(_delete_=True, type='TubeTokenMixup', alpha=10, share_across_batch=True),
             localizer=None, semi_train_cfg=dict(gamma3=0.0))
