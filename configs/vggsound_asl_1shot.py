# Table 1 "Ours" on vggsound (1-shot): _base_/semi_asl_vit_b.py on _base_/datasets/vggsound_av.py with its classes; the
# FlexMatch state and the 50-epoch schedule follow the unlabeled list (_base_/semi_asl_vit_b.py).
_base_ = ['./_base_/semi_asl_vit_b.py', './_base_/datasets/vggsound_av.py']
model = dict(recognizer=dict(cls_head=dict(num_classes=_base_.num_classes)),
             threshold=dict(num_classes=_base_.num_classes))
