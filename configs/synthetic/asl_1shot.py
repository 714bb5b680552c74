# Table 1 "Ours" (and Table 2 "ASL + L_c") at CPU size on the synthetic set, 1 labeled clip per class: the method of
# _base_/semi/asl.py on the tiny audio-visual student (_base_/synthetic_semi.py) with the synthetic recipe's
# class-balanced selection of the pseudo labels and L_swap with its video guard (`recipe`, docs/method.md). The
# main job's method.
_base_ = ['../_base_/synthetic_semi.py']
model = _base_.recipe
