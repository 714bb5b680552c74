# Both diagnostics: the oracle filter of asl_1shot_sound_names_class_only.py and the weak student view of
# asl_1shot_weak_view.py (PYTHONPATH=projects/pseudo_label_oracle).
_base_ = ['./asl_1shot_weak_view.py']

custom_imports = dict(imports=['pseudo_label_oracle'], allow_failed_imports=False)
model = dict(threshold=dict(_delete_=True, type='AnnotationFilterThreshold',
                            threshold=dict(type='FixedThreshold', tau=0.0),
                            ann_file=_base_.unlabeled_ann_file, annotations=_base_.data_root + 'annotations.json'))
