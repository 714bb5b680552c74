# Video-only baseline at the budget of supervised_av.py: the same video ViT with a linear head on its CLS token
# (AVRecognizer with audio_backbone=None, i.e. VideoRecognizer). Ceiling on the synthetic set: 50 % (the video
# shows the shape of the sounding object, never its timbre).
_base_ = ['../_base_/synthetic_supervised.py']
model = dict(
    audio_backbone=None,
    aux_loss_weight=0.0,  # one modality: no auxiliary heads
    cls_head=dict(_delete_=True, type='LinearClsHead', num_classes={{_base_.num_classes}}, in_channels=96))
