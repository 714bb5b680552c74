"""Linear classifier on one embedding (SVFormer's head on the video CLS; also audio-only models)."""
import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmavssl.registry import MODELS


@MODELS.register_module()
class LinearClsHead(BaseModule):
    """Dropout then ``nn.Linear(in_channels, num_classes)``.

    Args:
        num_classes: Number of classes K.
        in_channels: Embedding width D.
        dropout_ratio: Dropout before the classifier (TimeSformer / SVFormer: 0).
        init_std: Std of the truncated-normal weight init (bias zero).
        init_cfg: mmengine init config.
    """

    def __init__(self, num_classes: int, in_channels: int, dropout_ratio: float = 0.0, init_std: float = 0.02,
                 init_cfg: dict = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.num_classes = num_classes
        self.dropout = nn.Dropout(dropout_ratio)
        self.fc_cls = nn.Linear(in_channels, num_classes)
        nn.init.trunc_normal_(self.fc_cls.weight, std=init_std)
        nn.init.zeros_(self.fc_cls.bias)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Classify embeddings.

        Args:
            z: (B, D).

        Returns:
            Logits (B, K).
        """
        return self.fc_cls(self.dropout(z))
