# The method of Kang & Kim 2025, independent of the model size: a mean teacher (SemiSupervisedAVRecognizer, EMA
# decay 0.99, the teacher predicts at test) with ASL-guided mixup (lam ~ Beta(5, 10), one map per frame) drawn from a
# frozen FNAC localizer, FlexMatch pseudo labels (tau 0.3) and gamma 2 / 2 / 0.1 on L_u / L_mix / L_c (paper
# Sec. 4.2).
# `asl` is a model without its student: two bases cannot both define `model` (mmengine), so the family bases
# (_base_/semi_asl_vit_b.py at paper size, _base_/synthetic_semi.py on the synthetic benchmark) build `model` from it
# and their student, and add what depends on the student or the data: the class and clip counts of the threshold,
# the localizer's input geometry, the data preprocessor, any value a family tunes (configs/README.md).
# Localizer weights: model.localizer.checkpoint (an official FNAC best.pth or a run of configs/localizer/).
asl = dict(
    type='SemiSupervisedAVRecognizer',
    mixer=dict(type='ASLGuidedMixup', alpha1=5, alpha2=10, frames_per_map=1),
    threshold=dict(type='FlexMatchThreshold', p_cutoff=0.3),
    localizer=dict(type='FNACLocalizer', frozen=True, checkpoint=None),
    semi_train_cfg=dict(gamma1=2.0, gamma2=2.0, gamma3=0.1),
    semi_test_cfg=dict(predict_on='teacher'))
# The loss slots: Eq. 10 with the paper's hard indicator at tau_mix 0.3 on softmax probabilities; Eq. 13-18 at
# temperature 0.05. Separate from `asl` so that a row of another method can name its own (semi/svformer.py's
# svformer_losses); a family base takes both: dict(asl, **asl_losses).
asl_losses = dict(mix_loss=dict(type='MixConsistencyLoss', tau_mix=0.3, weighting='hard', target_space='prob'),
                  contrastive_loss=dict(type='AVContrastiveLoss', temperature=0.05))

val_cfg = dict(type='TeacherStudentValLoop')
test_cfg = dict(type='TestLoop')
# RNGStateHook: a resumed run draws the same augmentations and mixup masks as an uninterrupted one.
custom_hooks = [dict(type='EMATeacherHook', momentum=0.01), dict(type='RNGStateHook')]
