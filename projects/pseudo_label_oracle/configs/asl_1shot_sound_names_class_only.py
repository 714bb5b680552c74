# Diagnostic upper bound of configs/synthetic/asl_1shot.py: L_u and L_mix use only the unlabeled clips whose sound
# names their class (read from annotations.json), every one of them (tau 0). Run from the repository root
# (projects/pseudo_label_oracle/README.md):
#   PYTHONPATH=projects/pseudo_label_oracle python tools/train.py \
#       projects/pseudo_label_oracle/configs/asl_1shot_sound_names_class_only.py --cfg-options load_from=... ...
_base_ = ['../../../configs/synthetic/asl_1shot.py']

custom_imports = dict(imports=['pseudo_label_oracle'], allow_failed_imports=False)
model = dict(threshold=dict(_delete_=True, type='AnnotationFilterThreshold',
                            threshold=dict(type='FixedThreshold', tau=0.0),
                            ann_file=_base_.unlabeled_ann_file,
                            annotations=_base_.data_root + 'annotations.json'))
