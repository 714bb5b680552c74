# asl_1shot.py without L_swap: the class-balanced selection of the pseudo labels, ranked by the teacher's audio head,
# alone (docs/results.md measures what L_swap adds to it).
_base_ = ['../_base_/synthetic_semi.py']
model = _base_.selection
