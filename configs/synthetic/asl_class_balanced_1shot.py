# The method of asl_1shot.py with class-balanced selection of the pseudo labels: each class passes at most half its
# balanced share of the unlabeled clips, those its teacher's audio head is most confident in, never below tau
# (ClassBalancedThreshold, semi_train_cfg.mask_confidence='audio'). A one-shot start calls every clip whose sound it
# has never heard the same class with the confidence it has everywhere, so no confidence threshold removes those
# labels; a per-class quota ranked by the audio head does (masked-in pseudo labels 100 % right; docs/method.md).
_base_ = ['../_base_/synthetic_semi.py']
model = dict(threshold=_base_.class_balanced_threshold, semi_train_cfg=dict(mask_confidence='audio'))
