# asl_1shot_audio_noise_oracle.py with the student seeing the weak view of each clip (the teacher's augmentation;
# only its sound is drowned): with right pseudo labels and no strong augmentation in the way, does the fusion head
# learn to follow the frames when the sound is noise? Needs PYTHONPATH=projects/pseudo_label_oracle.
_base_ = ['./asl_1shot_audio_noise_oracle.py']

_weak_view = [_base_._noise, _base_._fbank, *_base_.weak[:-2], *_base_.loc_transforms, *_base_.weak[-2:]]
_unlabeled = dict(_base_._unlabeled, pipeline=[_base_._unlabeled.pipeline[0],
                                               dict(_base_._unlabeled.pipeline[1], unsup_strong=_weak_view)])
train_dataloader = dict(dataset=dict(datasets=[_base_.labeled_dataset, _unlabeled]))
