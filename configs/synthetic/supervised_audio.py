# Audio-only baseline at the budget of supervised_av.py: the same AudioEncoder with a linear head on its CLS
# token (AVRecognizer with video_backbone=None). Ceiling on the synthetic set: 33 % (the audio gives the timbre,
# never the shape).
_base_ = ['../_base_/synthetic_supervised.py']
model = dict(
    video_backbone=None,
    aux_loss_weight=0.0,  # one modality: no auxiliary heads
    cls_head=dict(_delete_=True, type='LinearClsHead', num_classes={{_base_.num_classes}}, in_channels=96))
