# SVFormer baseline (Table 1 "SVFormer Flex"), video only: the tiny video ViT of supervised_video.py with a linear
# head, TubeToken mixup, FlexMatch (tau 0.95, as asl_1shot.py), no audio, no L_c, SVFormer's L_mix (soft weight, logits).
# Same data, schedule and budget as asl_1shot.py (the audio is decoded but never reaches the model).
_base_ = ['../_base_/synthetic_semi.py', '../_base_/semi/svformer.py']
model = dict(_base_.svformer, **_base_.svformer_losses, recognizer=_base_.video_only)
