# SVFormer baseline (Table 1 "SVFormer Flex") on UCF-51 1-shot at paper size: _base_/semi/svformer.py, i.e. the
# video-only ViT-B/16 divided (8 x 224^2) + linear head, TubeToken mixup (Beta(10, 10), one mask per batch),
# FlexMatch tau 0.3, no audio (so no audio mix and no L_c: both follow audio_backbone=None), SVFormer's L_mix (soft
# weight on logits). Data and schedule as ucf51_asl_1shot.py.
_base_ = ['../_base_/semi_asl_vit_b.py', '../_base_/datasets/ucf51_av.py', '../_base_/semi/svformer.py']
model = dict(_base_.svformer, **_base_.svformer_losses, recognizer=_base_.video_only)
