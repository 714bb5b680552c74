# configs/synthetic/asl_1shot.py with half of the student's strong views drowned in white noise: the teacher labels
# the clip from its clean sound, the student must then name it from the frames, so the labels the sound gives
# should reach the video branch and the fusion head's use of it when the sound is noise. The localizer's window
# (loc_audios) stays clean. The fbank moves from the shared decode into each branch so that the noise is added
# to the waveform of the strong branch only.
_base_ = ['../../../configs/synthetic/asl_1shot.py']

_noise = dict(type='AudioNoise', prob=0.5)
_fbank = _base_.decode[2]
_unlabeled = dict(_base_.unlabeled_dataset,
                  pipeline=[dict(type='AVInit'),
                            dict(type='MultiBranchAV', branch_field=_base_.branch_field,
                                 decode=_base_.semi_decode[:2], unsup_weak=[_fbank, *_base_.weak],
                                 unsup_strong=[_noise, _fbank, *_base_.strong_loc])])
train_dataloader = dict(dataset=dict(datasets=[_base_.labeled_dataset, _unlabeled]))
