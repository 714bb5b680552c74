# The main job's method: asl_class_balanced_1shot.py (class-balanced pseudo labels ranked by the teacher's audio
# head) plus L_swap (SoundSwapAVRecognizer, gamma_swap 1; not in the paper): the fusion head must name a kept clip's
# pseudo label from its frames and the sound of a clip the selection rejected, so it follows the frames where the
# sound names nothing (docs/method.md).
_base_ = ['../_base_/synthetic_semi.py']
model = dict(type='SoundSwapAVRecognizer', gamma_swap=1.0, threshold=_base_.class_balanced_threshold,
             semi_train_cfg=dict(mask_confidence='audio'))
