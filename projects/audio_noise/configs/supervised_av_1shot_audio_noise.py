# configs/synthetic/supervised_av_1shot.py with half of the labeled views' sound drowned in white noise (AudioNoise
# before the fbank, -20 to -10 dB): can a 1-shot start learn to fall back on the frames when the sound names nothing?
_base_ = ['../../../configs/synthetic/supervised_av_1shot.py']

_decode = _base_.decode
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='AVInit'), _decode[0], _decode[1], dict(type='AudioNoise', prob=0.5), _decode[2], *_base_.weak]))
