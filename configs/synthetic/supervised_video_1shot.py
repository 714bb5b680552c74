# Video-only supervised baseline (SVFormer's supervised model) at the budget of supervised_av_1shot.py: the same
# pretrained video ViT with a linear head on its CLS token (audio_backbone=None), the 1-shot labeled list.
_base_ = ['./supervised_av_1shot.py']
model = dict(
    audio_backbone=None,
    aux_loss_weight=0.0,  # one modality: no auxiliary heads
    cls_head=dict(_delete_=True, type='LinearClsHead', num_classes={{_base_.num_classes}}, in_channels=96))
