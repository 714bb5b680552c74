"""Video-only recognizer (SVFormer's supervised model: ViT + linear head on the CLS token)."""
from typing import Optional

from mmavssl.registry import MODELS
from .av_recognizer import AVRecognizer


@MODELS.register_module()
class VideoRecognizer(AVRecognizer):
    """:class:`AVRecognizer` without audio encoder; inputs need only ``imgs``.

    Args:
        video_backbone: Config of the video encoder.
        cls_head: Config of the head (typically ``LinearClsHead``).
        **kwargs: ``loss_cls``, ``data_preprocessor``, ``train_cfg``, ``test_cfg``, ``init_cfg`` of
            :class:`AVRecognizer`.
    """

    def __init__(self, video_backbone: dict, cls_head: dict, **kwargs: Optional[dict]) -> None:
        super().__init__(video_backbone=video_backbone, audio_backbone=None, cls_head=cls_head, **kwargs)
