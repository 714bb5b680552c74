# The method of Kang & Kim 2025 at paper size (semi/asl.py on this family's student), dataset-independent part: mean
# teacher over the ViT-B/16 divided (8 x 224^2) + AST-style ViT-B audio encoder (128 x 256 fbank) + 2-layer fusion
# model of models/vit_b_divided_ast_fusion.py, FNAC ResNet-18 up to layer4 on the 224^2 frames (7 x 7 maps, resized
# to the 14 x 14 token grid), SGD lr 0.005, momentum 0.9, weight decay 1e-3 (paper Sec. 4.2).
# Experiment configs add a dataset base (_base_/datasets/{ucf51,k400,vggsound}_av.py). The class count is UCF-51's,
# the setting of the ablations and baselines; a config on another dataset sets the classifier's and the threshold's
# num_classes (k400_asl_1shot.py). The FlexMatch state and the schedule are sized from the unlabeled list at start.
# Localizer weights: model.localizer.checkpoint (an official FNAC best.pth or a run of configs/localizer/).
_base_ = ['./models/vit_b_divided_ast_fusion.py', './default_runtime.py', './semi/asl.py']
student = _base_.model
model = dict(
    _base_.asl,
    **_base_.asl_losses,
    _delete_=True,
    recognizer=dict(student, audio_backbone=dict(student.audio_backbone, input_length=256)),
    # num_unlabeled=None: SemiIterBasedTrainLoop sizes the per-clip state with the unlabeled list's length.
    threshold=dict(_base_.asl.threshold, num_classes=student.cls_head.num_classes, num_unlabeled=None),
    localizer=dict(_base_.asl.localizer, visual_stage=4, input_size=(224, 224),
                   video_mean=student.data_preprocessor.mean, video_std=student.data_preprocessor.std),
    data_preprocessor=dict(type='MultiBranchAVDataPreprocessor', data_preprocessor=student.data_preprocessor))
# SVFormer's student (semi/svformer.py): the video encoder alone with a linear head on its CLS token.
video_only = dict(audio_backbone=None,
                  cls_head=dict(_delete_=True, type='LinearClsHead', num_classes=student.cls_head.num_classes,
                                in_channels=student.video_backbone.embed_dims))

optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.005, momentum=0.9, weight_decay=1e-3))
# Schedule: 50 epochs of the unlabeled set (the paper's 50 epochs); SemiIterBasedTrainLoop computes the iterations
# from the sampler (ceil(unlabeled clips / (5 x world size)) per epoch, for the actual number of GPUs) and turns the
# fractions of training below into iterations: lr x0.1 at 84 % and 94 % (SVFormer's 25 / 28 of 30 epochs),
# validation and a checkpoint every tenth of training.
train_cfg = dict(type='SemiIterBasedTrainLoop', max_epochs=50, val_interval=0.1)
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, begin=0, end=1.0, milestones=[0.84, 0.94], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=0.1, by_epoch=False, max_keep_ckpts=2),
                     logger=dict(interval=50))
log_processor = dict(by_epoch=False)
