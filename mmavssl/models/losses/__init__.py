"""Losses of mmavssl: FNAC localization losses, Eq. 10 mixed consistency, Eq. 13-18 contrastive loss."""
from .av_contrastive import AVContrastiveLoss
from .fnac import FNACLoss
from .mix_consistency import MixConsistencyLoss, mixed_pseudo_label

__all__ = ['AVContrastiveLoss', 'FNACLoss', 'MixConsistencyLoss', 'mixed_pseudo_label']
