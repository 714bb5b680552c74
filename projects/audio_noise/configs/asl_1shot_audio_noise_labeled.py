# asl_1shot_audio_noise.py with the labeled views noised too, as supervised_av_1shot_audio_noise.py trains the start
# this fine-tune loads.
_base_ = ['./asl_1shot_audio_noise.py']

_labeled = dict(_base_.labeled_dataset,
                pipeline=[dict(type='AVInit'),
                          dict(type='MultiBranchAV', branch_field=_base_.branch_field, decode=_base_.decode[:2],
                               sup=[_base_._noise, _base_._fbank, *_base_.weak])])
train_dataloader = dict(dataset=dict(datasets=[_labeled, _base_._unlabeled]))
