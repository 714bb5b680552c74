# SVFormer baseline (Table 1 "SVFormer Flex"), video only: the tiny video ViT of supervised_video.py with a linear
# head, TubeToken mixup, FlexMatch (tau 0.95, as asl_1shot.py), no audio, no L_c, SVFormer's L_mix (soft weight, logits).
# Same data, schedule and budget as asl_1shot.py (the audio is decoded but never reaches the model).
_base_ = ['./av_tubetoken_nolc_1shot.py']
model = dict(
    recognizer=dict(audio_backbone=None, aux_loss_weight=0.0,
                    cls_head=dict(_delete_=True, type='LinearClsHead', num_classes=_base_.num_classes,
                                  in_channels=_base_.model.recognizer.video_backbone.embed_dims)),
    semi_train_cfg=dict(use_audio=False, mix_weighting='soft', mix_target='logit'))
