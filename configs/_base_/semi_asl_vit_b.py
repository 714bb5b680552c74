# The method of Kang & Kim 2025 at paper size, dataset-independent part: mean teacher over the ViT-B/16 divided
# (8 x 224^2) + AST-style ViT-B audio encoder (128 x 256 fbank) + 2-layer fusion model of
# models/vit_b_divided_ast_fusion.py, ASL-guided mixup (lam ~ Beta(5, 10)) from a frozen FNAC (ResNet-18, 7 x 7 maps,
# resized to the 14 x 14 token grid), FlexMatch (tau 0.3), gamma 2 / 2 / 0.1, EMA decay 0.99, teacher at test.
# SGD lr 0.005, momentum 0.9, weight decay 1e-3 (paper Sec. 4.2). Experiment configs add a *_av_semi.py dataset
# base, set model.threshold num_classes / num_unlabeled, the classifier's num_classes and the schedule length.
# Localizer weights: model.localizer.checkpoint (an official FNAC best.pth or a run of configs/localizer/).
_base_ = ['./models/vit_b_divided_ast_fusion.py', './default_runtime.py']
student = _base_.model
model = dict(
    _delete_=True,
    type='SemiSupervisedAVRecognizer',
    recognizer=dict(student, audio_backbone=dict(student.audio_backbone, input_length=256)),
    mixer=dict(type='ASLGuidedMixup', alpha1=5, alpha2=10, frames_per_map=1),
    # UCF-51 1-shot sizes, like the 51 classes of the model base; experiment configs set their dataset's.
    threshold=dict(type='FlexMatchThreshold', num_classes=student.cls_head.num_classes, num_unlabeled=4770,
                   p_cutoff=0.3),
    localizer=dict(type='FNACLocalizer', visual_stage=4, input_size=(224, 224),
                   video_mean=student.data_preprocessor.mean, video_std=student.data_preprocessor.std, frozen=True,
                   checkpoint=None),
    # Eq. 10 with the paper's hard indicator at tau_mix 0.3 on softmax probabilities; Eq. 13-18 at temperature 0.05.
    mix_loss=dict(type='MixConsistencyLoss', tau_mix=0.3, weighting='hard', target_space='prob'),
    contrastive_loss=dict(type='AVContrastiveLoss', temperature=0.05),
    semi_train_cfg=dict(gamma1=2.0, gamma2=2.0, gamma3=0.1),
    semi_test_cfg=dict(predict_on='teacher'),
    data_preprocessor=dict(type='MultiBranchAVDataPreprocessor', data_preprocessor=student.data_preprocessor))

val_cfg = dict(type='TeacherStudentValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.005, momentum=0.9, weight_decay=1e-3))
custom_hooks = [dict(type='EMATeacherHook', momentum=0.01), dict(type='RNGStateHook')]
log_processor = dict(by_epoch=False)
