"""Supervised audio-visual recognizer (also video-only and audio-only)."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.structures import ActionDataSample
from mmengine.model import BaseModel

from mmavssl.registry import MODELS

_AVERAGING = ('prob', 'score', None)


def audio_valid_of(data_samples: Optional[List[ActionDataSample]], batch_size: int,
                   device: torch.device) -> torch.Tensor:
    """Read the ``audio_valid`` metainfo flag of every sample (True when absent).

    Args:
        data_samples: Samples of the batch, or None.
        batch_size: N, used when ``data_samples`` is None.
        device: Device of the result.

    Returns:
        (N,) bool.
    """
    if data_samples is None:
        return torch.ones(batch_size, dtype=torch.bool, device=device)
    return torch.tensor([bool(ds.metainfo.get('audio_valid', True)) for ds in data_samples], dtype=torch.bool,
                        device=device)


def labels_of(data_samples: List[ActionDataSample], device: torch.device) -> torch.Tensor:
    """Stack the single-label ``gt_label`` of every sample.

    Args:
        data_samples: Samples with ``gt_label`` of shape (1,).
        device: Device of the result.

    Returns:
        (N,) long.
    """
    return torch.cat([ds.gt_label.reshape(-1)[:1] for ds in data_samples]).to(device=device, dtype=torch.long)


@MODELS.register_module()
class AVRecognizer(BaseModel):
    """Video and/or audio encoders plus a classification head, with mmengine's loss/predict/tensor modes.

    * audio-visual: both backbones and a :class:`FusionHead`;
    * video-only (SVFormer baseline): ``audio_backbone=None`` and a :class:`LinearClsHead`;
    * audio-only: ``video_backbone=None`` and a :class:`LinearClsHead`.

    ``inputs`` is the data preprocessor's dict ``{'imgs': (N, V, C, T, H, W), 'audios': (N, V, L, M)}``;
    the V views are flattened into the batch. ``loss`` uses every view with its sample's label (V = 1 in
    training); ``predict`` averages the V views per sample (``test_cfg['average_clips']``: ``'prob'`` =
    softmax then mean, ``'score'`` = mean of logits) and writes ``pred_score`` (K,) and ``pred_label`` (1,)
    into each data sample, which is what mmaction2's ``AccMetric`` reads.

    With both modalities and ``aux_loss_weight`` > 0 the model also has ``aux_video_head`` and ``aux_audio_head``
    (a :class:`LinearClsHead` on each CLS) used only in the training loss (:meth:`per_sample_cls_loss`): trained
    from scratch, the fusion model otherwise learns the easier modality alone and the other encoder's features go
    constant (modality imbalance); a unimodal loss per encoder keeps each one learning. Not in the paper.

    Args:
        video_backbone: Config of the video encoder (e.g. :class:`VideoViT`), or None.
        audio_backbone: Config of the audio encoder (e.g. :class:`AudioEncoder`), or None.
        cls_head: Config of the head.
        loss_cls: Config of the classification loss, called as ``loss(logits, labels, reduction='none')`` (e.g.
            mmaction2's ``CrossEntropyLoss``, which passes ``reduction`` to ``F.cross_entropy``).
        aux_loss_weight: Weight w of the unimodal auxiliary losses; 0 = no auxiliary heads (the paper). Only
            for audio-visual models.
        data_preprocessor: Config of the data preprocessor (e.g. ``AVDataPreprocessor``).
        train_cfg: Unused by this class; kept for config symmetry with the semi-supervised recognizer.
        test_cfg: ``dict(average_clips='prob' | 'score', head='fusion' | 'video' | 'audio')``; ``head`` picks
            the logits ``predict`` uses: the fused ones (default) or one auxiliary head's, to measure what each
            modality has learnt (needs ``aux_loss_weight`` > 0).
        init_cfg: mmengine init config.
    """

    def __init__(self, video_backbone: Optional[dict] = None, audio_backbone: Optional[dict] = None,
                 cls_head: Optional[dict] = None, loss_cls: dict = dict(type='mmaction.CrossEntropyLoss'),
                 aux_loss_weight: float = 0.0, data_preprocessor: Optional[Union[dict, nn.Module]] = None,
                 train_cfg: Optional[dict] = None, test_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        # built here so that mmavssl's registry resolves it even without default_scope='mmavssl'
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if video_backbone is None and audio_backbone is None:
            raise ValueError('AVRecognizer needs video_backbone, audio_backbone or both')
        if cls_head is None:
            raise ValueError('AVRecognizer needs a cls_head config')
        self.video_backbone = MODELS.build(video_backbone) if video_backbone is not None else None
        self.audio_backbone = MODELS.build(audio_backbone) if audio_backbone is not None else None
        self.cls_head = MODELS.build(cls_head)
        self.loss_cls = MODELS.build(loss_cls)
        if aux_loss_weight < 0:
            raise ValueError(f'aux_loss_weight must be >= 0, got {aux_loss_weight}')
        if aux_loss_weight > 0 and not (self.with_video and self.with_audio):
            raise ValueError('aux_loss_weight > 0 needs both video_backbone and audio_backbone (the auxiliary '
                             'heads are unimodal heads next to a fusion head); set it to 0 for unimodal models')
        self.aux_loss_weight = float(aux_loss_weight)
        if self.aux_loss_weight > 0:
            # the widths of the embeddings are those the fusion head projects from
            self.aux_video_head = MODELS.build(dict(type='LinearClsHead', num_classes=self.cls_head.num_classes,
                                                    in_channels=self.cls_head.proj_video.in_features))
            self.aux_audio_head = MODELS.build(dict(type='LinearClsHead', num_classes=self.cls_head.num_classes,
                                                    in_channels=self.cls_head.proj_audio.in_features))
        self.train_cfg = train_cfg or {}
        self.test_cfg = dict(average_clips='prob') if test_cfg is None else dict(test_cfg)
        if self.test_cfg.get('average_clips', 'prob') not in _AVERAGING:
            raise ValueError(f"test_cfg.average_clips must be one of {_AVERAGING}, got "
                             f"{self.test_cfg['average_clips']!r}")
        head = self.test_cfg.get('head', 'fusion')
        if head not in ('fusion', 'video', 'audio') or (head != 'fusion' and not self.with_aux):
            raise ValueError(f"test_cfg.head must be 'fusion', or 'video' / 'audio' on a model with auxiliary heads "
                             f"(aux_loss_weight > 0); got {head!r} with aux_loss_weight={self.aux_loss_weight}")

    @property
    def with_video(self) -> bool:
        """Whether the model has a video encoder."""
        return self.video_backbone is not None

    @property
    def with_audio(self) -> bool:
        """Whether the model has an audio encoder."""
        return self.audio_backbone is not None

    def extract_feat(self, imgs: Optional[torch.Tensor] = None, audios: Optional[torch.Tensor] = None,
                     token_mask: Optional[torch.Tensor] = None,
                     partner_imgs: Optional[torch.Tensor] = None) -> Dict[str, Optional[torch.Tensor]]:
        """Encode each modality the model has.

        Args:
            imgs: (B, C, T, H, W) normalised clips (needed when the model has a video encoder).
            audios: (B, L, M) fbanks (needed when the model has an audio encoder).
            token_mask: (B, T', N) video token mask, 1 = keep ``imgs``' token, 0 = take ``partner_imgs``'.
            partner_imgs: (B, C, T, H, W) partner clips for token mixing.

        Returns:
            ``{'video': (B, Dv) or None, 'audio': (B, Da) or None}``.
        """
        feats: Dict[str, Optional[torch.Tensor]] = {'video': None, 'audio': None}
        if self.with_video:
            if imgs is None:
                raise ValueError('this model has a video encoder: pass imgs (B, C, T, H, W)')
            feats['video'] = self.video_backbone(imgs, token_mask=token_mask, partner=partner_imgs)
        if self.with_audio:
            if audios is None:
                raise ValueError("this model has an audio encoder: the pipeline must provide 'audios'")
            feats['audio'] = self.audio_backbone(audios)
        return feats

    def classify(self, feats: Dict[str, Optional[torch.Tensor]],
                 audio_valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Apply the head to the embeddings of :meth:`extract_feat`.

        Args:
            feats: ``{'video': (B, Dv) or None, 'audio': (B, Da) or None}``.
            audio_valid: (B,) bool, used by the fusion head (None = all valid).

        Returns:
            Logits (B, K).
        """
        if self.with_video and self.with_audio:
            return self.cls_head(feats['video'], feats['audio'], audio_valid)
        return self.cls_head(feats['video'] if self.with_video else feats['audio'])

    @property
    def with_aux(self) -> bool:
        """Whether the model has the unimodal auxiliary heads."""
        return self.aux_loss_weight > 0

    def per_sample_cls_loss(self, feats: Dict[str, Optional[torch.Tensor]], audio_valid: Optional[torch.Tensor],
                            targets: torch.Tensor, aux: bool = True,
                            logits: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Classification loss of each sample: the loss of the fused logits plus the weighted auxiliary losses.

        ``loss_b = CE(classify(feats)_b, y_b) + w * (CE(aux_video_b, y_b) + valid_b * CE(aux_audio_b, y_b))``
        with w = ``aux_loss_weight`` (the auxiliary terms only when :attr:`with_aux`); a sample without audio
        has no audio term. The mean over samples is the supervised loss; the semi-supervised model weights it
        per sample (e.g. by a confidence mask).

        Args:
            feats: ``{'video': (B, Dv) or None, 'audio': (B, Da) or None}`` from :meth:`extract_feat`.
            audio_valid: (B,) bool (None = all valid).
            targets: (B,) long class indices.
            aux: Add the auxiliary terms (when the model has them); False gives the fused loss alone.
            logits: (B, K) ``classify(feats, audio_valid)`` when the caller has computed it already (the head
                then does not run again); None computes it.

        Returns:
            (B,) float losses.
        """
        if logits is None:
            logits = self.classify(feats, audio_valid)
        loss = self.loss_cls(logits, targets, reduction='none')
        if not (self.with_aux and aux):
            return loss
        if audio_valid is None:
            audio_valid = torch.ones_like(targets, dtype=torch.bool)
        aux_video = self.loss_cls(self.aux_video_head(feats['video']), targets, reduction='none')
        aux_audio = self.loss_cls(self.aux_audio_head(feats['audio']), targets, reduction='none')
        return loss + self.aux_loss_weight * (aux_video + aux_audio * audio_valid.to(aux_audio.dtype))

    def _flat_views(self, inputs: Dict[str, torch.Tensor]) -> Dict[str, Optional[torch.Tensor]]:
        """Flatten (N, V, ...) inputs to (N * V, ...), keeping only the modalities the model uses."""
        flat = {}
        for key, used in (('imgs', self.with_video), ('audios', self.with_audio)):
            value = inputs.get(key) if used else None
            flat[key] = value.flatten(0, 1) if value is not None else None
        return flat

    def _num_views(self, inputs: Dict[str, torch.Tensor]) -> int:
        """V of the (N, V, ...) inputs."""
        return inputs['imgs' if self.with_video else 'audios'].shape[1]

    def _feats(self, inputs: Dict[str, torch.Tensor], data_samples: Optional[List[ActionDataSample]]
               ) -> Tuple[Dict[str, Optional[torch.Tensor]], torch.Tensor]:
        """Embeddings of every view and their (N * V,) ``audio_valid`` flags."""
        flat = self._flat_views(inputs)
        num_views = self._num_views(inputs)
        first = next(v for v in flat.values() if v is not None)
        valid = audio_valid_of(data_samples, first.shape[0] // num_views, first.device)
        return self.extract_feat(flat['imgs'], flat['audios']), valid.repeat_interleave(num_views)

    def _logits(self, inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List[ActionDataSample]]) -> torch.Tensor:
        """Logits of every view, (N * V, K), from the head ``test_cfg['head']`` names."""
        feats, valid = self._feats(inputs, data_samples)
        head = self.test_cfg.get('head', 'fusion')
        if head == 'fusion':
            return self.classify(feats, valid)
        return getattr(self, f'aux_{head}_head')(feats[head])

    def loss(self, inputs: Dict[str, torch.Tensor], data_samples: List[ActionDataSample]) -> Dict[str, torch.Tensor]:
        """Mean :meth:`per_sample_cls_loss` of every view against its sample's label.

        Args:
            inputs: Preprocessed batch, see the class docstring.
            data_samples: N samples with ``gt_label``.

        Returns:
            ``{'loss_cls': scalar, 'top1_acc': scalar}`` (only ``loss_cls`` enters the total loss; ``top1_acc``
            is that of the fused logits, the same head pass as the loss).
        """
        feats, valid = self._feats(inputs, data_samples)
        labels = labels_of(data_samples, valid.device).repeat_interleave(self._num_views(inputs))
        logits = self.classify(feats, valid)
        top1 = (logits.argmax(dim=1) == labels).float().mean()
        return {'loss_cls': self.per_sample_cls_loss(feats, valid, labels, logits=logits).mean(), 'top1_acc': top1}

    def average_views(self, logits: torch.Tensor, num_views: int) -> torch.Tensor:
        """Average the views of each sample as mmaction2's ``BaseHead.average_clips``.

        Args:
            logits: (N * V, K).
            num_views: V.

        Returns:
            (N, K) class probabilities (``'prob'``) or mean logits (``'score'``; also for None with V = 1).
        """
        logits = logits.reshape(-1, num_views, logits.shape[-1])
        mode = self.test_cfg.get('average_clips', 'prob')
        if mode == 'prob':
            return F.softmax(logits, dim=2).mean(dim=1)
        if mode is None and num_views != 1:
            raise ValueError('average_clips=None only works with one view per sample')
        return logits.mean(dim=1)

    def predict(self, inputs: Dict[str, torch.Tensor],
                data_samples: List[ActionDataSample]) -> List[ActionDataSample]:
        """Multi-view prediction.

        Args:
            inputs: Preprocessed batch with V views per sample.
            data_samples: N samples, filled in place.

        Returns:
            The samples, each with ``pred_score`` (K,) and ``pred_label`` (1,).
        """
        scores = self.average_views(self._logits(inputs, data_samples), self._num_views(inputs)).detach()
        for ds, score in zip(data_samples, scores):
            ds.set_pred_score(score)
            ds.set_pred_label(score.argmax(dim=0, keepdim=True))
        return data_samples

    def forward(self, inputs: Dict[str, torch.Tensor], data_samples: Optional[List[ActionDataSample]] = None,
                mode: str = 'tensor') -> Union[Dict[str, torch.Tensor], List[ActionDataSample], torch.Tensor]:
        """mmengine entry point.

        Args:
            inputs: Preprocessed batch ``{'imgs': (N, V, C, T, H, W), 'audios': (N, V, L, M)}``.
            data_samples: N samples.
            mode: ``'loss'`` (dict of losses), ``'predict'`` (samples with predictions) or ``'tensor'``
                (raw logits (N, V, K)).

        Returns:
            See ``mode``.
        """
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._logits(inputs, data_samples).reshape(-1, self._num_views(inputs),
                                                              self.cls_head.num_classes)
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got {mode!r}")
