# asl_1shot.py with lambda measured as clip A's share of the localization mass the mix shows, not as the fraction
# of A's tokens (ASLGuidedMixup(lam_from='map_mass'), docs/method.md): tests why ASL trails TubeToken here.
_base_ = ['../_base_/synthetic_semi.py']
model = dict(_base_.recipe, mixer=dict(lam_from='map_mass'))
