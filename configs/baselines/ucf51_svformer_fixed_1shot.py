# SVFormer baseline (Table 1 "SVFormer Fix") on UCF-51 1-shot: _base_/semi/svformer.py with a fixed threshold tau = 0.3.
_base_ = ['../_base_/semi_asl_vit_b.py', '../_base_/datasets/ucf51_av.py', '../_base_/semi/svformer.py']
model = dict(_base_.svformer, **_base_.svformer_losses, recognizer=_base_.video_only,
             threshold=dict(_delete_=True, type='FixedThreshold', tau=0.3))
