# The paper's method as written at CPU size: asl_1shot.py with FlexMatch's flexible threshold on the fused teacher
# (tau 0.95, no warm-up) instead of the class-balanced selection, and without L_swap; the flexible curve of the
# Fig. 4 sweep.
_base_ = ['../_base_/synthetic_semi.py']
