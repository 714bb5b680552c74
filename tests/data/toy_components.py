"""Toy audio-visual dataset and classifier for the toolbox tests (registered into mmavssl's registries).

Loaded by the configs in ``tests/data/configs/`` through ``custom_imports=dict(imports=['toy_components'])``;
``pytest.ini`` puts ``tests/data`` on ``sys.path`` (``toolbox_testing.subprocess_env`` on ``PYTHONPATH`` for
subprocesses). The samples follow the format of ``docs/architecture.md`` (``imgs`` uint8 (V, C, T, H, W),
``audios`` float32 (V, L, M)) but are tiny random tensors, so a Runner trains on them in well under a second.
"""
from typing import Dict, List, Optional, Union

import torch
from mmaction.structures import ActionDataSample
from mmengine.dataset import BaseDataset
from mmengine.model import BaseModel
from torch import nn

from mmavssl.registry import DATASETS, MODELS

# (V, C, T, H, W) of the frames and (V, L, M) of the fbank of one toy sample.
IMG_SHAPE = (1, 3, 2, 4, 4)
AUDIO_SHAPE = (1, 4, 4)


@DATASETS.register_module()
class ToyAVDataset(BaseDataset):
    """Random audio-visual clips whose label is a linear function of the clip, fixed by ``seed``.

    Args:
        num_samples: Number of samples.
        num_classes: Number of classes K.
        seed: Seed of the generator that draws the clips, so every process sees the same data.
        nan_audio: Fill every fbank with NaN (a broken input that makes every loss NaN).
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset` (e.g. ``indices``).
    """

    def __init__(self, num_samples: int = 16, num_classes: int = 4, seed: int = 0, nan_audio: bool = False,
                 **kwargs) -> None:
        self.num_samples = num_samples
        self.nan_audio = nan_audio
        self.num_classes = num_classes
        self.seed = seed
        super().__init__(serialize_data=False, lazy_init=False, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Draw the clips: uint8 frames (V, C, T, H, W), float fbanks (V, L, M) and labels in [0, K)."""
        gen = torch.Generator().manual_seed(self.seed)
        imgs = torch.randint(0, 256, (self.num_samples, *IMG_SHAPE), generator=gen, dtype=torch.uint8)
        audios = torch.randn((self.num_samples, *AUDIO_SHAPE), generator=gen)
        # A fixed random projection makes the labels learnable, so accuracy moves during training.
        proj = torch.randn(imgs[0].numel() + audios[0].numel(), self.num_classes, generator=gen)
        feats = torch.cat([imgs.flatten(1).float() / 255 - 0.5, audios.flatten(1)], dim=1)
        labels = (feats @ proj).argmax(dim=1)
        if self.nan_audio:
            audios.fill_(float('nan'))
        return [dict(imgs=imgs[i], audios=audios[i], label=int(labels[i]), sample_idx=i)
                for i in range(self.num_samples)]

    def prepare_data(self, idx: int) -> dict:
        """Pack sample ``idx`` as ``{'inputs': {'imgs', 'audios'}, 'data_samples': ActionDataSample}``."""
        info = self.get_data_info(idx)
        data_sample = ActionDataSample().set_gt_label(info['label'])
        data_sample.set_metainfo(dict(sample_idx=info['sample_idx'], audio_valid=True))
        return dict(inputs=dict(imgs=info['imgs'], audios=info['audios']), data_samples=data_sample)


@MODELS.register_module()
class ToyAVClassifier(BaseModel):
    """A linear classifier over the flattened frames and fbank of each view (views averaged in predict).

    Args:
        num_classes: Number of classes K.
        data_preprocessor: Optional preprocessor config; mmengine's default moves data to the device.
    """

    def __init__(self, num_classes: int = 4, data_preprocessor: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor)
        in_dim = torch.Size(IMG_SHAPE[1:]).numel() + torch.Size(AUDIO_SHAPE[1:]).numel()
        self.fc = nn.Linear(in_dim, num_classes)

    def _logits(self, inputs: Dict[str, List[torch.Tensor]]) -> torch.Tensor:
        """Return logits (N, V, K) for N collated samples: ``imgs`` N x (V, C, T, H, W), ``audios`` N x (V, L, M)."""
        imgs = torch.stack(inputs['imgs']).float() / 255 - 0.5
        audios = torch.stack(inputs['audios'])
        feats = torch.cat([imgs.flatten(2), audios.flatten(2)], dim=2)
        return self.fc(feats)

    def forward(self, inputs: Dict[str, List[torch.Tensor]], data_samples: List[ActionDataSample],
                mode: str = 'tensor') -> Union[Dict[str, torch.Tensor], List[ActionDataSample], torch.Tensor]:
        """Compute the loss, the predictions or the raw logits.

        Args:
            inputs: ``pseudo_collate``d samples: ``{'imgs': N x uint8 (V, C, T, H, W),
                'audios': N x float (V, L, M)}``.
            data_samples: N data samples with ``gt_label`` (1,).
            mode: ``'loss'``, ``'predict'`` or ``'tensor'``.

        Returns:
            ``{'loss': scalar}``, the data samples with ``pred_score`` (K,), or logits (N, V, K).
        """
        logits = self._logits(inputs)
        if mode == 'tensor':
            return logits
        if mode == 'loss':
            labels = torch.cat([ds.gt_label for ds in data_samples])
            return dict(loss=nn.functional.cross_entropy(logits.mean(dim=1), labels))
        if mode == 'predict':
            scores = logits.softmax(dim=2).mean(dim=1)
            for ds, score in zip(data_samples, scores):
                ds.set_pred_score(score)
            return data_samples
        raise ValueError(f'mode must be "loss", "predict" or "tensor", got "{mode}"')
