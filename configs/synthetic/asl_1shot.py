# Table 1 "Ours" (and Table 2 "ASL") at CPU size on the synthetic set, 1 labeled clip per class:
# _base_/synthetic_semi.py, the method of _base_/semi/asl.py on the tiny audio-visual student.
_base_ = ['../_base_/synthetic_semi.py']
