# SVFormer baseline (Table 1 "SVFormer Fix"): svformer_flex_1shot.py with a fixed confidence threshold tau (0.95).
_base_ = ['./svformer_flex_1shot.py']
model = dict(threshold=dict(_delete_=True, type='FixedThreshold', tau=_base_.tau))
