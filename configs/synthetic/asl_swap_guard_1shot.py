# asl_1shot.py with L_swap guarded by the teacher's video head: a kept clip is paired with a rejected clip's
# sound only where the teacher's video head names its pseudo label too (SoundSwapAVRecognizer, docs/method.md).
_base_ = ['../_base_/synthetic_semi.py']
model = dict(_base_.recipe, swap_guard='video')
