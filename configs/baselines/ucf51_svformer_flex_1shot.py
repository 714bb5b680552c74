# SVFormer baseline (Table 1 "SVFormer Flex") on UCF-51 1-shot at paper size: video-only ViT-B/16 divided
# (8 x 224^2) + linear head, TubeToken mixup (Beta(10, 10), one mask per batch), FlexMatch tau 0.3, no audio (so no
# audio mix and no L_c: both follow audio_backbone=None), SVFormer's L_mix (soft weight on logits). Data and schedule
# as ucf51_asl_1shot.py.
_base_ = ['../ablations/ucf51_av_tubetoken_1shot.py']
model = dict(
    recognizer=dict(audio_backbone=None,
                    cls_head=dict(_delete_=True, type='LinearClsHead', num_classes=_base_.num_classes,
                                  in_channels=_base_.model.recognizer.video_backbone.embed_dims)),
    mix_loss=dict(weighting='soft', target_space='logit'))
