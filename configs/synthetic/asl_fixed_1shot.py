# The paper's method (asl_flexmatch_1shot.py) with a fixed confidence threshold instead of FlexMatch's flexible one
# (paper Fig. 4 "Fix"): the same tau (0.95) for every class throughout training.
_base_ = ['../_base_/synthetic_semi.py']
model = dict(threshold=dict(_delete_=True, type='FixedThreshold', tau=_base_.tau))
