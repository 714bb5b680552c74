"""Teacher-student semi-supervised audio-visual recognizer: one training step of Eq. 19."""
import copy
from typing import Dict, List, NamedTuple, Optional, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.dist import all_reduce, get_world_size
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from torch import Tensor, nn

from mmavssl.registry import MODELS
from ..losses import AVContrastiveLoss, MixConsistencyLoss
from ..mixers import MixResult, mix_audio

ConfigOrModule = Union[dict, nn.Module]

DEFAULT_SEMI_TRAIN_CFG = dict(
    gamma1=2.0,  # weight of L_u (Eq. 19)
    gamma2=2.0,  # weight of L_mix
    gamma3=0.1,  # weight of L_c; 0 disables the contrastive loss
    tau_mix=0.3,  # indicator threshold of Eq. 10
    mix_weighting='hard',  # 'hard' (Eq. 10) or 'soft' (SVFormer's w_mix)
    mix_target='prob',  # 'prob' (MSE on softmax, USB) or 'logit' (SVFormer code)
    contrastive_temperature=0.05,
    use_audio=True,  # False: video-only baseline (audios never passed, no Eq. 6, L_c off)
    # The recognizer's auxiliary unimodal terms (AVRecognizer.aux_loss_weight) in L_u too; off by default:
    # a video-only head cannot fit a pseudo label's timbre, so on unlabeled clips its term is noise
    # (docs/method.md). They always train on the labeled clips (L_s).
    unsup_aux=False,
    # Every this many iterations, log each weighted term's gradient norm over the student's parameters
    # (gnorm_sup, gnorm_unsup, gnorm_mix, gnorm_con); 0 = never. Costs one extra backward pass per term.
    grad_norm_interval=0,
)


class MixBatch(NamedTuple):
    """Everything the mixing stage produced, for the loss and for inspection.

    Attributes:
        result: Token mask (B, T', N) and kept fraction lam (B,).
        partner: (B,) permutation without fixed points (B >= 2); clip ``partner[i]`` is mixed into clip ``i``.
        maps: (B, T, h, w) localization maps of clips A, or None for map-free mixers.
    """

    result: MixResult
    partner: Tensor
    maps: Optional[Tensor]


def derangement(n: int, device: Optional[torch.device] = None) -> Tensor:
    """A random permutation of ``range(n)`` without fixed points: ``p[i] != i`` for every ``i``.

    The clips are put in a random order and each is paired with the next one in that order (a random
    n-cycle), so every mixed clip mixes two different clips and, in L_c, no clip's positive reappears among
    its negatives. ``torch.randperm`` leaves about 1/e of the entries in place for large n (and 1/n on
    average for any n), i.e. those clips would be "mixed" with themselves.

    Args:
        n: Batch size B (>= 2).
        device: Device of the result.

    Returns:
        (B,) long tensor.

    Raises:
        ValueError: If ``n < 2`` (a single clip has no partner).
    """
    if n < 2:
        raise ValueError(f'mixing needs at least 2 unlabeled clips per batch to pair, got {n}; raise the '
                         'unlabeled batch (sampler mu) to 2 or more.')
    order = torch.randperm(n, device=device)
    partner = torch.empty_like(order)
    partner[order] = order.roll(-1)
    return partner


def _slice_feats(feats: Dict[str, Optional[Tensor]], sl: slice) -> Dict[str, Optional[Tensor]]:
    """The samples ``sl`` of every embedding in ``feats`` (None stays None)."""
    return {k: None if v is None else v[sl] for k, v in feats.items()}


def _build(cfg: Optional[ConfigOrModule]) -> Optional[nn.Module]:
    """Build ``cfg`` from the mmavssl registry, pass modules and None through."""
    return MODELS.build(cfg) if isinstance(cfg, dict) else cfg


def _freeze(module: nn.Module) -> None:
    """Put ``module`` in eval mode and stop gradients to its parameters."""
    module.eval()
    module.requires_grad_(False)


@MODELS.register_module()
class SemiSupervisedAVRecognizer(BaseModel):
    """Mean-teacher recognizer of Kang & Kim 2025 (and SVFormer with a video-only recognizer).

    One training step computes ``L = L_s + g1 L_u + g2 L_mix + g3 L_c`` (Eq. 19):

    * ``L_s``: cross-entropy of the student on the ``sup`` branch (Eq. 1).
    * ``L_u``: the teacher's probabilities on ``unsup_weak`` give the threshold mask and hard pseudo labels;
      cross-entropy of the student on ``unsup_strong`` times the mask, averaged over the unlabeled batch (Eq. 4).
    * ``L_mix``: clips A = strong unlabeled clips, B = a permutation of them; the mixer's token mask (from the
      frozen localizer's maps of A for ASL) mixes the videos inside the backbone (Eq. 5), the fbanks mix with
      the kept fraction lam (Eq. 6), and the student's prediction is pulled to the mixed pseudo label (Eq. 10).
    * ``L_c``: symmetric InfoNCE over the student's video/audio CLS embeddings of labeled, unlabeled and mixed
      clips with valid audio (Eq. 13-18).

    The teacher runs once per step (on the weak views; partner B's probabilities are a permutation of them);
    the student runs twice (labeled + strong clips in one batch, then the mixed clips). The teacher is a frozen
    copy of the student, kept in eval mode even after ``model.train()`` and updated by ``EMATeacherHook``;
    the localizer is frozen the same way. Returned losses already carry their gamma weight.

    Args:
        recognizer: Config (or module) of an ``AVRecognizer``-like model with ``video_backbone``,
            ``extract_feat(imgs, audios, token_mask=None, partner_imgs=None)``,
            ``classify(feats, audio_valid=None)`` and ``per_sample_cls_loss(feats, audio_valid, targets)``.
        mixer: Config of ``TubeTokenMixup`` or ``ASLGuidedMixup``.
        threshold: Config of ``FixedThreshold``, ``FlexMatchThreshold`` or ``FreeMatchThreshold``.
        localizer: Config of the frozen localizer (``localize(imgs, loc_audios, frames_per_map=1)``); required
            by mixers that need maps.
        semi_train_cfg: Overrides of :data:`DEFAULT_SEMI_TRAIN_CFG`.
        semi_test_cfg: ``dict(predict_on='teacher' | 'student')`` (default teacher).
        data_preprocessor: ``MultiBranchAVDataPreprocessor`` config.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 recognizer: ConfigOrModule,
                 mixer: ConfigOrModule,
                 threshold: ConfigOrModule,
                 localizer: Optional[ConfigOrModule] = None,
                 semi_train_cfg: Optional[dict] = None,
                 semi_test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[ConfigOrModule] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=_build(data_preprocessor), init_cfg=init_cfg)
        unknown = set(semi_train_cfg or {}) - set(DEFAULT_SEMI_TRAIN_CFG)
        if unknown:
            raise ValueError(f'unknown semi_train_cfg keys {sorted(unknown)}; allowed: '
                             f'{sorted(DEFAULT_SEMI_TRAIN_CFG)}.')
        self.semi_train_cfg = {**DEFAULT_SEMI_TRAIN_CFG, **(semi_train_cfg or {})}
        self.semi_test_cfg = {'predict_on': 'teacher', **(semi_test_cfg or {})}
        if self.semi_test_cfg['predict_on'] not in ('teacher', 'student'):
            raise ValueError(f"semi_test_cfg.predict_on must be 'teacher' or 'student', got "
                             f"'{self.semi_test_cfg['predict_on']}'.")
        self.student = _build(recognizer)
        if getattr(self.student, 'video_backbone', None) is None:
            raise ValueError('SemiSupervisedAVRecognizer mixes video tokens and needs a recognizer with a '
                             'video_backbone.')
        self.teacher = copy.deepcopy(self.student)
        _freeze(self.teacher)
        self.mixer = _build(mixer)
        self.threshold = _build(threshold)
        self.localizer = _build(localizer)
        if self.localizer is not None:
            _freeze(self.localizer)
        if getattr(self.mixer, 'requires_maps', False) and self.localizer is None:
            raise ValueError(f'{type(self.mixer).__name__} samples from localization maps: set `localizer` '
                             '(e.g. FNACLocalizer) or use TubeTokenMixup.')
        cfg = self.semi_train_cfg
        if cfg['gamma3'] > 0 and not cfg['use_audio']:
            raise ValueError('the contrastive loss needs audio: set semi_train_cfg gamma3=0 for use_audio=False.')
        self.mix_loss = MixConsistencyLoss(cfg['tau_mix'], cfg['mix_weighting'], cfg['mix_target'])
        self.contrastive_loss = AVContrastiveLoss(cfg['contrastive_temperature'])

    def train(self, mode: bool = True) -> 'SemiSupervisedAVRecognizer':
        """Set the training mode of the student; teacher and localizer always stay in eval mode.

        mmengine's train loops call ``model.train()`` every iteration, which would otherwise switch on the
        teacher's drop-path and the localizer's dropout.
        """
        super().train(mode)
        self.teacher.eval()
        if self.localizer is not None:
            self.localizer.eval()
        return self

    def forward(self, inputs: dict, data_samples: Optional[Union[dict, list]] = None,
                mode: str = 'tensor') -> Union[Dict[str, Tensor], list, Tensor]:
        """``'loss'`` runs the semi-supervised step; ``'predict'``/``'tensor'`` go to the teacher or student.

        Args:
            inputs: Multi-branch inputs (loss) or single-branch inputs (predict/tensor).
            data_samples: Matching data samples.
            mode: ``'loss'``, ``'predict'`` or ``'tensor'``.

        Returns:
            Loss dict, list of data samples or logits.
        """
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode in ('predict', 'tensor'):
            model = getattr(self, self.semi_test_cfg['predict_on'])
            return model(inputs, data_samples, mode=mode)
        raise ValueError(f"invalid mode '{mode}'; use 'loss', 'predict' or 'tensor'.")

    def _branch(self, inputs: dict, name: str) -> Tuple[Tensor, Optional[Tensor], Optional[Tensor]]:
        """Split one branch into (imgs (B, C, T, H, W), audios (B, L, M) or None, loc_audios or None)."""
        if inputs.get(name) is None:
            raise ValueError(f"the batch has no '{name}' branch; semi-supervised training needs 'sup', "
                             "'unsup_weak' and 'unsup_strong' (MultiBranchAV + MultiBranchAVDataPreprocessor).")
        out = []
        for key in ('imgs', 'audios', 'loc_audios'):
            x = inputs[name].get(key)
            if x is not None and x.shape[1] != 1:
                raise ValueError(f"'{name}' {key} must hold one view per sample in training, got shape "
                                 f'{tuple(x.shape)}.')
            out.append(None if x is None else x[:, 0])
        if not self.semi_train_cfg['use_audio']:
            out[1] = None
        return out[0], out[1], out[2]

    def mix_batch(self, imgs_a: Tensor, loc_audios_a: Optional[Tensor] = None) -> MixBatch:
        """Draw partners and the token mask for clips A (maps from the localizer for ASL mixers).

        Args:
            imgs_a: (B, C, T, H, W) normalised clips A.
            loc_audios_a: (B, 1, F, S) localizer spectrograms of clips A (ASL mixers only).

        Returns:
            MixBatch with the mask on ``imgs_a.device``.
        """
        b, _, t, h, w = imgs_a.shape
        grid = tuple(self.student.video_backbone.token_grid(t, h, w))
        maps = None
        if getattr(self.mixer, 'requires_maps', False):
            if loc_audios_a is None:
                raise ValueError("ASL-guided mixing needs 'loc_audios' in the unsup_strong branch (add the "
                                 "localizer spectrogram transform to the strong pipeline).")
            with torch.no_grad():
                maps = self.localizer.localize(imgs_a, loc_audios_a, frames_per_map=1)
        res = self.mixer(grid, b, maps=maps)
        res = MixResult(mask=res.mask.to(imgs_a.device), lam=res.lam.to(imgs_a.device))
        return MixBatch(result=res, partner=derangement(b, device=imgs_a.device), maps=maps)

    def loss(self, multi_inputs: Dict[str, dict],
             multi_data_samples: Dict[str, List[BaseDataElement]]) -> Dict[str, Tensor]:
        """One semi-supervised step (Eq. 19).

        Args:
            multi_inputs: ``{'sup' | 'unsup_weak' | 'unsup_strong': {'imgs': (B, 1, C, T, H, W),
                'audios': (B, 1, L, M), ['loc_audios': (B, 1, 1, F, S)]}}``.
            multi_data_samples: Matching lists of ``ActionDataSample``; ``sup`` ones need ``gt_label``,
                unlabeled ones ``metainfo['sample_idx']`` for stateful thresholds.

        Returns:
            ``loss_sup``, ``loss_unsup``, ``loss_mix``, ``loss_con`` (weighted) and the diagnostics
            ``mask_ratio``, ``lam``, ``thr_mean`` and, when unlabeled labels are known, ``pseudo_acc``.
        """
        cfg = self.semi_train_cfg
        x_l, a_l, _ = self._branch(multi_inputs, 'sup')
        x_w, a_w, _ = self._branch(multi_inputs, 'unsup_weak')
        x_s, a_s, loc_s = self._branch(multi_inputs, 'unsup_strong')
        ds_l, ds_u = multi_data_samples['sup'], multi_data_samples['unsup_weak']
        labels = torch.cat([ds.gt_label.view(-1) for ds in ds_l]).to(x_l.device)
        valid_l, valid_u = self._audio_valid(ds_l, x_l.device), self._audio_valid(ds_u, x_l.device)
        n_l = x_l.shape[0]

        with torch.no_grad():
            probs_t = self.teacher.classify(self.teacher.extract_feat(x_w, a_w), valid_u).softmax(dim=1)
        mask = self.threshold(probs_t, self._sample_idx(ds_u, x_w.device))
        pseudo = probs_t.argmax(dim=1)

        audios = None if a_l is None else torch.cat([a_l, a_s])
        feats = self.student.extract_feat(torch.cat([x_l, x_s]), audios)
        # The recognizer's own per-sample loss, so its auxiliary unimodal terms (if any) train on labels too.
        loss_sup = self.student.per_sample_cls_loss(_slice_feats(feats, slice(None, n_l)), valid_l,
                                                    labels).mean()
        per_unsup = self.student.per_sample_cls_loss(_slice_feats(feats, slice(n_l, None)), valid_u, pseudo,
                                                     aux=cfg['unsup_aux'])
        loss_unsup = (per_unsup * mask).mean()

        mixed = self.mix_batch(x_s, loc_s)
        perm, lam = mixed.partner, mixed.result.lam
        a_mix = None if a_s is None else mix_audio(a_s, a_s[perm], lam)
        valid_m = valid_u & valid_u[perm]
        feats_m = self.student.extract_feat(x_s, a_mix, token_mask=mixed.result.mask, partner_imgs=x_s[perm])
        logits_m = self.student.classify(feats_m, valid_m)
        loss_mix = self.mix_loss(logits_m, probs_t, mask, probs_t[perm], mask[perm], lam)

        losses = dict(loss_sup=loss_sup, loss_unsup=cfg['gamma1'] * loss_unsup, loss_mix=cfg['gamma2'] * loss_mix)
        if cfg['gamma3'] > 0:
            losses['loss_con'] = cfg['gamma3'] * self._contrastive(feats, feats_m, torch.cat([valid_l, valid_u,
                                                                                               valid_m]))
        losses.update(self._diagnostics(mask, lam, probs_t, pseudo, ds_u))
        if self._grad_norms_due():
            losses.update(self.term_grad_norms(losses))
        return losses

    def _grad_norms_due(self) -> bool:
        """Whether this training iteration logs per-term gradient norms (``grad_norm_interval``)."""
        interval = self.semi_train_cfg['grad_norm_interval']
        if interval <= 0 or not torch.is_grad_enabled():
            return False
        return MessageHub.get_current_instance().get_info('iter', 0) % interval == 0

    def term_grad_norms(self, losses: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """L2 norm of each weighted loss term's gradient over the student's trainable parameters.

        Shows which term of Eq. 19 drives the update (the gradient of the sum is dominated by the term with
        the largest norm, and clipping then keeps only its direction). Norms are local to the rank.

        Args:
            losses: Output of :meth:`loss` (its ``loss_*`` entries still attached to the graph).

        Returns:
            ``{'gnorm_<term>': ()}`` for every ``loss_<term>`` with a graph.
        """
        params = [p for p in self.student.parameters() if p.requires_grad]
        out = {}
        for key, value in losses.items():
            if not key.startswith('loss_') or not value.requires_grad:
                continue
            grads = torch.autograd.grad(value, params, retain_graph=True, allow_unused=True)
            sq = sum((g.detach().float()**2).sum() for g in grads if g is not None)
            out['gnorm_' + key[len('loss_'):]] = torch.as_tensor(sq, device=value.device).sqrt()
        return out

    def _contrastive(self, feats: Dict[str, Tensor], feats_m: Dict[str, Tensor], valid: Tensor) -> Tensor:
        """L_c over labeled, unlabeled and mixed clips whose audio is real (placeholders are no positives)."""
        if feats['audio'] is None:
            raise ValueError('gamma3 > 0 needs audio embeddings, but the recognizer returned none; set gamma3=0 '
                             'for a video-only recognizer.')
        z_vid = torch.cat([feats['video'], feats_m['video']])[valid]
        z_aud = torch.cat([feats['audio'], feats_m['audio']])[valid]
        if z_vid.shape[0] < 2:
            # No negatives: a zero that keeps the graph identical on every rank (DDP).
            return (feats['video'].sum() + feats['audio'].sum()) * 0.0
        return self.contrastive_loss(z_vid, z_aud)

    @torch.no_grad()
    def _diagnostics(self, mask: Tensor, lam: Tensor, probs: Tensor, pseudo: Tensor,
                     data_samples: List[BaseDataElement]) -> Dict[str, Tensor]:
        """Mask ratio, mean lam, mean threshold and pseudo-label accuracy (global counts across ranks).

        ``pseudo_acc`` is over every unlabeled clip whose label is known, ``pseudo_acc_masked`` over those the
        threshold let in: a threshold that filters well keeps the second above the first.
        """
        out = dict(mask_ratio=mask.float().mean(), lam=lam.float().mean(),
                   thr_mean=self.threshold.class_thresholds().float().mean().to(probs.device))
        gt = torch.tensor([int(ds.gt_label.view(-1)[0]) if 'gt_label' in ds else -1 for ds in data_samples],
                          device=probs.device)
        known = gt >= 0
        kept = known & (mask > 0)
        right = pseudo == gt
        counts = torch.stack([right[known].sum(), known.sum(), right[kept].sum(), kept.sum()]).float()
        # Collective on every rank, so the key set below is the same everywhere.
        all_reduce(counts, op='sum')
        if counts[1] > 0:
            out['pseudo_acc'] = counts[0] / counts[1]
        if counts[3] > 0:
            out['pseudo_acc_masked'] = counts[2] / counts[3]
        return out

    @staticmethod
    def _audio_valid(data_samples: List[BaseDataElement], device: torch.device) -> Tensor:
        """(B,) bool ``metainfo['audio_valid']`` (True when absent)."""
        return torch.tensor([bool(ds.metainfo.get('audio_valid', True)) for ds in data_samples], device=device)

    @staticmethod
    def _sample_idx(data_samples: List[BaseDataElement], device: torch.device) -> Optional[Tensor]:
        """(B,) ``metainfo['sample_idx']``, or None if any sample lacks it."""
        idx = [ds.metainfo.get('sample_idx') for ds in data_samples]
        return None if any(i is None for i in idx) else torch.tensor(idx, dtype=torch.long, device=device)

    def parse_losses(self, losses: Dict[str, Tensor]) -> Tuple[Tensor, Dict[str, Tensor]]:
        """Sum the ``loss*`` entries (Eq. 19); log every entry averaged over ranks.

        Args:
            losses: Output of :meth:`loss`.

        Returns:
            The local total loss for backward and the rank-averaged, detached log variables.
        """
        loss, log_vars = super().parse_losses(losses)
        if get_world_size() > 1:
            stacked = torch.stack([v.detach().float() for v in log_vars.values()])
            all_reduce(stacked, op='mean')
            log_vars = type(log_vars)(zip(log_vars.keys(), stacked))
        return loss, log_vars

    def _load_from_state_dict(self, state_dict: dict, prefix: str, local_metadata: dict, strict: bool,
                              missing_keys: list, unexpected_keys: list, error_msgs: list) -> None:
        """Load a plain recognizer checkpoint (no ``student.``/``teacher.`` keys) into both copies."""
        own = [k for k in state_dict if k.startswith(prefix)]
        if own and not any(k[len(prefix):].startswith(('student.', 'teacher.')) for k in own):
            for k in own:
                value = state_dict.pop(k)
                rest = k[len(prefix):]
                state_dict[f'{prefix}student.{rest}'] = value
                state_dict[f'{prefix}teacher.{rest}'] = value
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)
