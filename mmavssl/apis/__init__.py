"""Using a trained model: build it from its config, predict one video, localise its sound; Fig. 3 masks."""
from .inference import (Localization, Prediction, inference_recognizer, init_recognizer, localize_video,
                        localizer_transforms)
from .visualize_masks import MaskFigure, compute_mask_figure, visualize_masks

__all__ = ['Localization', 'MaskFigure', 'Prediction', 'compute_mask_figure', 'inference_recognizer',
           'init_recognizer', 'localize_video', 'localizer_transforms', 'visualize_masks']
