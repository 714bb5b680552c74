"""Transformer fusion of the video and audio embeddings (the paper's FUSION(z_vid^0, z_aud^0), Eq. 9)."""
from typing import Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmavssl.registry import MODELS
from ..utils.init import init_vit_weights
from ..utils.transformer import make_vit_blocks, run_blocks


@MODELS.register_module()
class FusionHead(BaseModule):
    """Transformer encoder over three tokens, classifier on the first.

    Sequence: ``[fusion_token, proj_video(z_vid) + modality_embed[0], proj_audio(z_aud) + modality_embed[1]]``
    through ``depth`` pre-norm timm blocks, final LayerNorm, dropout, ``nn.Linear`` on the fusion token. The
    paper only says "a fusion model consisting of transformer encoder layers" over the two first tokens;
    the learned fusion token keeps both modalities symmetric and lets a sample without audio be classified
    from video alone: its audio token is removed from every attention through a key padding mask.

    ``audio_drop_prob`` > 0 is modality dropout: in training mode each sample's audio token is masked out with
    that probability, as for a file without audio, so the head also learns to classify from the video token
    alone instead of reading the class from whichever modality is easier on the labeled clips. Eval mode
    (the EMA teacher, testing) never drops.

    Args:
        num_classes: Number of classes K.
        video_dims: Width Dv of the video embedding.
        audio_dims: Width Da of the audio embedding.
        embed_dims: Common fusion width D (both embeddings are linearly projected to it).
        depth: Number of transformer layers.
        num_heads: Attention heads.
        mlp_ratio: MLP hidden width / D.
        dropout_ratio: Dropout before the classifier.
        drop_path_rate: Stochastic depth of the last layer.
        audio_drop_prob: Probability in [0, 1) of masking a sample's audio token in training mode (0 = never).
        init_cfg: mmengine init config.
    """

    def __init__(self, num_classes: int, video_dims: int, audio_dims: int, embed_dims: int = 768,
                 depth: int = 2, num_heads: int = 12, mlp_ratio: float = 4.0, dropout_ratio: float = 0.0,
                 drop_path_rate: float = 0.0, audio_drop_prob: float = 0.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not 0.0 <= audio_drop_prob < 1.0:
            raise ValueError(f'audio_drop_prob must be in [0, 1), got {audio_drop_prob}')
        self.audio_drop_prob = float(audio_drop_prob)
        self.num_classes = num_classes
        self.proj_video = nn.Linear(video_dims, embed_dims)
        self.proj_audio = nn.Linear(audio_dims, embed_dims)
        self.fusion_token = nn.Parameter(torch.zeros(1, 1, embed_dims))
        self.modality_embed = nn.Parameter(torch.zeros(1, 2, embed_dims))
        self.blocks = make_vit_blocks(embed_dims, depth, num_heads, mlp_ratio, drop_path_rate=drop_path_rate)
        self.norm = nn.LayerNorm(embed_dims, eps=1e-6)
        self.dropout = nn.Dropout(dropout_ratio)
        self.fc_cls = nn.Linear(embed_dims, num_classes)
        self.apply(init_vit_weights)
        nn.init.trunc_normal_(self.fusion_token, std=0.02)
        nn.init.trunc_normal_(self.modality_embed, std=0.02)

    def forward(self, z_vid: torch.Tensor, z_aud: torch.Tensor,
                audio_valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Fuse and classify.

        Args:
            z_vid: Video embeddings (B, Dv).
            z_aud: Audio embeddings (B, Da).
            audio_valid: (B,) bool; False masks the audio token out (file without audio). None = all valid.
                In training mode ``audio_drop_prob`` masks further samples at random.

        Returns:
            Logits (B, K).
        """
        b = z_vid.shape[0]
        tokens = torch.stack([self.proj_video(z_vid), self.proj_audio(z_aud)], dim=1) + self.modality_embed
        x = torch.cat([self.fusion_token.expand(b, -1, -1), tokens], dim=1)
        if self.training and self.audio_drop_prob > 0:
            kept = torch.rand(b, device=x.device) >= self.audio_drop_prob
            audio_valid = kept if audio_valid is None else kept & audio_valid.to(device=x.device, dtype=torch.bool)
        attn_mask = None
        if audio_valid is not None:
            keys = torch.ones(b, 3, dtype=torch.bool, device=x.device)
            keys[:, 2] = audio_valid.to(device=x.device, dtype=torch.bool)
            attn_mask = keys[:, None, None, :]
        x = self.norm(run_blocks(self.blocks, x, attn_mask=attn_mask))
        return self.fc_cls(self.dropout(x[:, 0]))
