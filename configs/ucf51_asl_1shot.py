# Table 1 "Ours" on ucf51 (1-shot): _base_/semi_asl_vit_b.py on _base_/datasets/ucf51_av.py, whose sizes and
# schedule (50 epochs of the unlabeled set at 8 GPUs x (1 labeled + 5 unlabeled)) the family base is written for.
_base_ = ['./_base_/semi_asl_vit_b.py', './_base_/datasets/ucf51_av.py']
