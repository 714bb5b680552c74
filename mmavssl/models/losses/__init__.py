"""mmavssl.models.losses."""
from .av_contrastive import AVContrastiveLoss
from .mix_consistency import MixConsistencyLoss, mixed_pseudo_label

__all__ = ['AVContrastiveLoss', 'MixConsistencyLoss', 'mixed_pseudo_label']
