# Table 1 "Ours" on ucf51 (1-shot): _base_/semi_asl_vit_b.py, whose class count is UCF-51's, on
# _base_/datasets/ucf51_av.py; the FlexMatch state and the 50-epoch schedule follow the unlabeled list.
_base_ = ['./_base_/semi_asl_vit_b.py', './_base_/datasets/ucf51_av.py']
