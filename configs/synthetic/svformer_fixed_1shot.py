# SVFormer baseline (Table 1 "SVFormer Fix"): svformer_flex_1shot.py with a fixed confidence threshold tau (0.95).
_base_ = ['../_base_/synthetic_semi.py', '../_base_/semi/svformer.py']
model = dict(_base_.svformer, **_base_.svformer_losses, recognizer=_base_.video_only,
             threshold=dict(_delete_=True, type='FixedThreshold', tau=_base_.tau))
