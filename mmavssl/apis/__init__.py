"""Using a trained model: build it from its config, predict one video, localise its sound."""
from .inference import (Localization, Prediction, inference_recognizer, init_localizer, init_recognizer,
                        localize_video, localizer_transforms, read_frames, video_info)

__all__ = ['Localization', 'Prediction', 'inference_recognizer', 'init_localizer', 'init_recognizer',
           'localize_video', 'localizer_transforms', 'read_frames', 'video_info']
