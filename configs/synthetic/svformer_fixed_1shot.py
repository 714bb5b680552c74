# SVFormer baseline (Table 1 "SVFormer Fix"): svformer_flex_1shot.py with a fixed confidence threshold tau (0.95).
_base_ = ['../_base_/synthetic_semi.py', '../_base_/semi/svformer.py']
model = dict(_base_.svformer, recognizer=_base_.video_only,
             semi_train_cfg=dict(_base_.svformer.semi_train_cfg, use_audio=False, mix_weighting='soft',
                                 mix_target='logit'),
             threshold=dict(_delete_=True, type='FixedThreshold', tau=_base_.tau))
