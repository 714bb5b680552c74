"""Tiny stand-ins implementing the docs/architecture.md recognizer and localizer API (tests only)."""
from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from mmaction.structures import ActionDataSample
from torch import Tensor, nn


class TinyVideoBackbone(nn.Module):
    """Patch embedding (tubelet x p x p), token mixing right after it, mean pooling."""

    def __init__(self, dim: int = 8, patch: int = 4, tubelet: int = 1) -> None:
        super().__init__()
        self.patch, self.tubelet = patch, tubelet
        self.embed = nn.Conv3d(3, dim, (tubelet, patch, patch), stride=(tubelet, patch, patch))
        self.proj = nn.Linear(dim, dim)

    def token_grid(self, t: int, h: int, w: int) -> Tuple[int, int, int]:
        return t // self.tubelet, h // self.patch, w // self.patch

    def _tokens(self, x: Tensor) -> Tensor:
        return self.embed(x).flatten(3).permute(0, 2, 3, 1)  # (B, T', N, D)

    def forward(self, x: Tensor, token_mask: Optional[Tensor] = None, partner: Optional[Tensor] = None) -> Tensor:
        tok = self._tokens(x)
        if token_mask is not None:
            m = token_mask.unsqueeze(-1)
            tok = tok * m + self._tokens(partner) * (1 - m)
        return self.proj(tok.mean(dim=(1, 2)))


class TinyRecognizer(nn.Module):
    """AVRecognizer API: extract_feat / classify / forward(mode); dropout to expose train/eval mode."""

    def __init__(self, num_classes: int = 3, dim: int = 8, use_audio: bool = True, tubelet: int = 1) -> None:
        super().__init__()
        self.video_backbone = TinyVideoBackbone(dim, tubelet=tubelet)
        self.audio_backbone = nn.Linear(6, dim) if use_audio else None
        self.drop = nn.Dropout(0.5)
        self.head = nn.Linear(dim * (2 if use_audio else 1), num_classes)

    def extract_feat(self, imgs: Tensor, audios: Optional[Tensor], token_mask: Optional[Tensor] = None,
                     partner_imgs: Optional[Tensor] = None) -> Dict[str, Optional[Tensor]]:
        video = self.video_backbone(imgs, token_mask, partner_imgs)
        audio = None if self.audio_backbone is None or audios is None else self.audio_backbone(audios.mean(1))
        return {'video': video, 'audio': audio}

    def classify(self, feats: Dict[str, Optional[Tensor]], audio_valid: Optional[Tensor] = None) -> Tensor:
        z = feats['video']
        if feats['audio'] is not None:
            aud = feats['audio'] if audio_valid is None else feats['audio'] * audio_valid.unsqueeze(1)
            z = torch.cat([z, aud], dim=1)
        return self.head(self.drop(z))

    def per_sample_cls_loss(self, feats: Dict[str, Optional[Tensor]], audio_valid: Optional[Tensor],
                            targets: Tensor, aux: bool = True) -> Tensor:
        return F.cross_entropy(self.classify(feats, audio_valid), targets, reduction='none')

    def forward(self, inputs: dict, data_samples=None, mode: str = 'tensor'):
        imgs = inputs['imgs'].mean(1)
        audios = inputs['audios'].mean(1) if 'audios' in inputs else None
        logits = self.classify(self.extract_feat(imgs, audios))
        if mode == 'tensor':
            return logits
        for ds, score in zip(data_samples, logits.softmax(1)):
            ds.set_pred_score(score)
        return data_samples


class TinyLocalizer(nn.Module):
    """localize(imgs, loc_audios, frames_per_map) -> (B, T, 2, 2) maps; has a parameter and dropout."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1))
        self.drop = nn.Dropout(0.9)
        self.calls = 0

    @torch.no_grad()
    def localize(self, imgs: Tensor, loc_audios: Tensor, frames_per_map: int = 1) -> Tensor:
        self.calls += 1
        maps = F.adaptive_avg_pool3d(imgs.abs().mean(1, keepdim=True), (imgs.shape[2], 2, 2))[:, 0]
        return self.drop(maps * self.scale * loc_audios.mean())


def make_batch(n_l: int = 2, n_u: int = 4, t: int = 2, size: int = 8, seed: int = 0,
               gt_unlabeled: bool = True, loc: bool = True):
    """Multi-branch inputs and data samples as MultiBranchAVDataPreprocessor returns them."""
    gen = torch.Generator().manual_seed(seed)

    def branch(n: int) -> dict:
        out = {'imgs': torch.randn(n, 1, 3, t, size, size, generator=gen),
               'audios': torch.randn(n, 1, 5, 6, generator=gen)}
        if loc:
            out['loc_audios'] = torch.rand(n, 1, 1, 4, 4, generator=gen) + 0.5
        return out

    def samples(n: int, labeled: bool) -> list:
        out = []
        for i in range(n):
            ds = ActionDataSample()
            if labeled or gt_unlabeled:
                ds.set_gt_label(int(torch.randint(3, (1, ), generator=gen)))
            ds.set_metainfo(dict(sample_idx=i, audio_valid=i != 1))
            out.append(ds)
        return out

    weak = branch(n_u)
    strong = {k: v + 0.1 * torch.randn(v.shape, generator=gen) for k, v in weak.items()}
    ds_u = samples(n_u, False)
    return ({'sup': branch(n_l), 'unsup_weak': weak, 'unsup_strong': strong},
            {'sup': samples(n_l, True), 'unsup_weak': ds_u, 'unsup_strong': ds_u})
