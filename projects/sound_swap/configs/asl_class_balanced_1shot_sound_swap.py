# configs/synthetic/asl_class_balanced_1shot.py (class-balanced selection ranked by the teacher's audio head) plus
# L_swap: the fusion head names a kept clip's pseudo label from its frames and the sound of a clip the selection
# rejected. Run from the repository root with PYTHONPATH=projects/sound_swap (README.md).
_base_ = ['../../../configs/synthetic/asl_class_balanced_1shot.py']

custom_imports = dict(imports=['sound_swap'], allow_failed_imports=False)
model = dict(type='SoundSwapAVRecognizer', gamma_swap=1.0)
