# asl_1shot_audio_noise.py with the pseudo labels of projects/pseudo_label_oracle (only the clips whose sound names
# the class, every one of them): do right pseudo labels on drowned sound teach the video branch? Needs
# PYTHONPATH=projects/pseudo_label_oracle.
_base_ = ['./asl_1shot_audio_noise.py']

custom_imports = dict(imports=['pseudo_label_oracle'], allow_failed_imports=False)
model = dict(threshold=dict(_delete_=True, type='AnnotationFilterThreshold',
                            threshold=dict(type='FixedThreshold', tau=0.0),
                            ann_file=_base_.unlabeled_ann_file,
                            annotations=_base_.data_root + 'annotations.json'))
