"""Teacher-student semi-supervised audio-visual recognizer: one training step of Eq. 19."""
import copy
import logging
from typing import Dict, List, NamedTuple, Optional, Tuple, Union

import torch
from mmengine.dist import all_reduce, get_world_size
from mmengine.logging import MessageHub, print_log
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from torch import Tensor, nn

from mmavssl.registry import MODELS
from ..mixers import BaseMixer, MixResult, mix_audio
from .av_recognizer import audio_valid_of, labels_of

ConfigOrModule = Union[dict, nn.Module]

DEFAULT_SEMI_TRAIN_CFG = dict(
    gamma1=2.0,  # weight of L_u (Eq. 19)
    gamma2=2.0,  # weight of L_mix
    gamma3=0.1,  # weight of L_c; 0 disables the contrastive loss
    # The recognizer's auxiliary unimodal terms (AVRecognizer.aux_loss_weight) in L_u too; off by default:
    # a video-only head cannot fit a pseudo label's timbre, so on unlabeled clips its term is noise
    # (docs/method.md). They always train on the labeled clips (L_s).
    unsup_aux=False,
    # Every this many iterations, log each weighted term's gradient norm over the student's parameters
    # (gnorm_sup, gnorm_unsup, gnorm_mix, gnorm_con); 0 = never. Costs one extra backward pass per term.
    grad_norm_interval=0,
    # Whose probability of the pseudo-labelled class the threshold reads: 'fusion' (the paper: the fused
    # teacher's own confidence) or the teacher's unimodal 'audio' / 'video' head (needs the auxiliary heads
    # and a threshold with reads_max_only). The pseudo label is the fused arg-max either way.
    mask_confidence='fusion',
)

DEFAULT_MIX_LOSS = dict(type='MixConsistencyLoss')
DEFAULT_CONTRASTIVE_LOSS = dict(type='AVContrastiveLoss')

# semi_train_cfg keys that configured the two losses before they became constructor slots: old key ->
# (slot, argument of the slot's loss). Configs that still set them keep working, with a warning.
LEGACY_LOSS_KEYS = {
    'tau_mix': ('mix_loss', 'tau_mix'),
    'mix_weighting': ('mix_loss', 'weighting'),
    'mix_target': ('mix_loss', 'target_space'),
    'contrastive_temperature': ('contrastive_loss', 'temperature'),
}


class SemiBatch(NamedTuple):
    """One training batch split into its branches, one view per clip.

    Attributes:
        imgs_l: (B_l, C, T, H, W) labeled clips.
        audios_l: (B_l, L, M) their fbanks, or None for a video-only student.
        labels: (B_l,) long ground-truth classes.
        valid_l: (B_l,) bool ``audio_valid`` of the labeled clips.
        imgs_w: (B_u, C, T, H, W) weak views of the unlabeled clips (the teacher's input).
        audios_w: (B_u, L, M) their fbanks, or None.
        imgs_s: (B_u, C, T, H, W) strong views of the same clips (the student's input, clips A of the mix).
        audios_s: (B_u, L, M) their fbanks, or None.
        loc_audios_s: (B_u, 1, F, S) localizer spectrograms of the strong views, or None.
        valid_u: (B_u,) bool ``audio_valid`` of the unlabeled clips.
        samples_u: The B_u unlabeled data samples (``sample_idx``, ``gt_label`` where known).
    """

    imgs_l: Tensor
    audios_l: Optional[Tensor]
    labels: Tensor
    valid_l: Tensor
    imgs_w: Tensor
    audios_w: Optional[Tensor]
    imgs_s: Tensor
    audios_s: Optional[Tensor]
    loc_audios_s: Optional[Tensor]
    valid_u: Tensor
    samples_u: List[BaseDataElement]


class PseudoLabels(NamedTuple):
    """The teacher's view of the unlabeled clips (no grad).

    Attributes:
        probs: (B_u, K) teacher probabilities on the weak views.
        mask: (B_u,) float 0/1, the threshold's verdict (Eq. 3 / 4).
        labels: (B_u,) long hard pseudo labels, ``probs.argmax(1)``.
        feats: The teacher's embeddings of the weak views (``video`` (B_u, Dv), ``audio`` (B_u, Da) or None), for
            terms that read the teacher's other heads; None where a caller built the labels without them.
    """

    probs: Tensor
    mask: Tensor
    labels: Tensor
    feats: Optional[Dict[str, Optional[Tensor]]] = None


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


class MixedClips(NamedTuple):
    """The student's pass over the mixed clips (Eq. 5-7), shared by L_mix and L_c.

    Attributes:
        mix: Mask, lam and partners of the mix.
        feats: ``{'video': (B_u, Dv), 'audio': (B_u, Da) or None}`` embeddings of the mixed clips.
        valid: (B_u,) bool, True where both mixed clips have real audio.
    """

    mix: MixBatch
    feats: Dict[str, Optional[Tensor]]
    valid: Tensor


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


def _split_legacy_keys(semi_train_cfg: dict, slots: Dict[str, ConfigOrModule]) -> Tuple[dict, Optional[bool]]:
    """Move the loss arguments that older configs set in ``semi_train_cfg`` into the loss slots.

    Args:
        semi_train_cfg: The ``semi_train_cfg`` argument; left unchanged.
        slots: ``{'mix_loss': cfg, 'contrastive_loss': cfg}``; the configs get the legacy values (in place).

    Returns:
        ``semi_train_cfg`` without the legacy keys, and its legacy ``use_audio`` (None when unset).

    Raises:
        ValueError: If a legacy key would have to change a loss given as a module.
    """
    rest = dict(semi_train_cfg)
    for key in [k for k in rest if k in LEGACY_LOSS_KEYS]:
        slot, arg = LEGACY_LOSS_KEYS[key]
        if not isinstance(slots[slot], dict):
            raise ValueError(f'semi_train_cfg.{key} configures {slot}, which was given as a module; set {arg} '
                             f'on that module instead.')
        slots[slot][arg] = rest.pop(key)
        print_log(f'semi_train_cfg.{key} is deprecated: set {slot}=dict({arg}=...) of '
                  'SemiSupervisedAVRecognizer instead.', logger='current', level=logging.WARNING)
    if 'use_audio' in rest:
        print_log('semi_train_cfg.use_audio is deprecated: the audio use follows the recognizer '
                  '(audio_backbone=None for video only).', logger='current', level=logging.WARNING)
    return rest, rest.pop('use_audio', None)


def _freeze(module: nn.Module) -> None:
    """Put ``module`` in eval mode and stop gradients to its parameters."""
    module.eval()
    module.requires_grad_(False)


@MODELS.register_module()
class SemiSupervisedAVRecognizer(BaseModel):
    """Mean-teacher recognizer of Kang & Kim 2025 (and SVFormer with a video-only recognizer).

    One training step computes ``L = L_s + g1 L_u + g2 L_mix + g3 L_c`` (Eq. 19), one method per term, so a new
    method overrides the term it changes (as mmdetection's ``loss_by_gt_instances`` /
    ``loss_by_pseudo_instances``):

    * :meth:`loss_sup`, ``L_s``: cross-entropy of the student on the ``sup`` branch (Eq. 1).
    * :meth:`loss_unsup`, ``L_u``: the teacher's probabilities on ``unsup_weak`` give the threshold mask and hard
      pseudo labels (:meth:`pseudo_label`); cross-entropy of the student on ``unsup_strong`` times the mask,
      averaged over the unlabeled batch (Eq. 4).
    * :meth:`loss_mix`, ``L_mix``: clips A = strong unlabeled clips, B = a permutation of them; the mixer's
      token mask (from the frozen localizer's maps of A for ASL) mixes the videos inside the backbone (Eq. 5),
      the fbanks mix with the kept fraction lam (Eq. 6) (:meth:`forward_mixed`), and ``mix_loss`` pulls the
      student's prediction to the mixed pseudo label (Eq. 10).
    * :meth:`loss_contrastive`, ``L_c``: ``contrastive_loss`` over the student's video/audio CLS embeddings of
      labeled, unlabeled and mixed clips with valid audio (Eq. 13-18).

    The teacher runs once per step (on the weak views; partner B's probabilities are a permutation of them);
    the student runs twice (labeled + strong clips in one batch, then the mixed clips). The teacher is a frozen
    copy of the student, kept in eval mode even after ``model.train()`` and updated by ``EMATeacherHook``;
    the localizer is frozen the same way. Returned losses already carry their gamma weight.

    A student without audio encoder (``audio_backbone`` None, SVFormer's video-only baseline) gets no audios,
    mixes no fbanks (Eq. 6) and has no ``L_c``.

    Args:
        recognizer: Config (or module) of an ``AVRecognizer``-like model with ``video_backbone``,
            ``audio_backbone`` (None for video only), ``extract_feat(imgs, audios, token_mask=None,
            partner_imgs=None)``, ``classify(feats, audio_valid=None)`` and
            ``per_sample_cls_loss(feats, audio_valid, targets, aux=True)``.
        mixer: Config of a :class:`BaseMixer` (``TubeTokenMixup``, ``ASLGuidedMixup``).
        threshold: Config of ``FixedThreshold``, ``FlexMatchThreshold``, ``FreeMatchThreshold`` or
            ``ClassBalancedThreshold``.
        localizer: Config of the frozen localizer (``localize(imgs, loc_audios, frames_per_map=1)``); required
            by mixers that need maps.
        mix_loss: Config of L_mix, called ``mix_loss(mix_logits (B, K), probs_a (B, K), mask_a (B,),
            probs_b (B, K), mask_b (B,), lam (B,)) -> scalar``; default ``MixConsistencyLoss()``, which a config
            without ``type`` configures.
        contrastive_loss: Config of L_c, called ``contrastive_loss(z_vid (N, D), z_aud (N, D)) -> scalar``;
            default ``AVContrastiveLoss()``, which a config without ``type`` configures.
        semi_train_cfg: Overrides of :data:`DEFAULT_SEMI_TRAIN_CFG`. The keys of :data:`LEGACY_LOSS_KEYS` and
            ``use_audio`` of earlier configs are still accepted (``use_audio`` must match the student).
        semi_test_cfg: ``dict(predict_on='teacher' | 'student')`` (default teacher).
        data_preprocessor: ``MultiBranchAVDataPreprocessor`` config.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 recognizer: ConfigOrModule,
                 mixer: ConfigOrModule,
                 threshold: ConfigOrModule,
                 localizer: Optional[ConfigOrModule] = None,
                 mix_loss: ConfigOrModule = DEFAULT_MIX_LOSS,
                 contrastive_loss: ConfigOrModule = DEFAULT_CONTRASTIVE_LOSS,
                 semi_train_cfg: Optional[dict] = None,
                 semi_test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[ConfigOrModule] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=_build(data_preprocessor), init_cfg=init_cfg)
        # Copies, so that legacy keys never write into the caller's configs. The defaults hold only a type, so a
        # config without one sets arguments of the default loss (--cfg-options model.mix_loss.tau_mix=0.1 works
        # on configs that do not name the loss).
        slots = {name: {**default, **cfg} if isinstance(cfg, dict) else cfg
                 for name, cfg, default in (('mix_loss', mix_loss, DEFAULT_MIX_LOSS),
                                            ('contrastive_loss', contrastive_loss, DEFAULT_CONTRASTIVE_LOSS))}
        train_cfg, legacy_use_audio = _split_legacy_keys(semi_train_cfg or {}, slots)
        unknown = set(train_cfg) - set(DEFAULT_SEMI_TRAIN_CFG)
        if unknown:
            raise ValueError(f'unknown semi_train_cfg keys {sorted(unknown)}; allowed: '
                             f'{sorted(DEFAULT_SEMI_TRAIN_CFG)}.')
        self.semi_train_cfg = {**DEFAULT_SEMI_TRAIN_CFG, **train_cfg}
        self.semi_test_cfg = {'predict_on': 'teacher', **(semi_test_cfg or {})}
        if self.semi_test_cfg['predict_on'] not in ('teacher', 'student'):
            raise ValueError(f"semi_test_cfg.predict_on must be 'teacher' or 'student', got "
                             f"'{self.semi_test_cfg['predict_on']}'.")
        self.student = _build(recognizer)
        if getattr(self.student, 'video_backbone', None) is None:
            raise ValueError('SemiSupervisedAVRecognizer mixes video tokens and needs a recognizer with a '
                             'video_backbone.')
        if legacy_use_audio is not None and bool(legacy_use_audio) != self.with_audio:
            raise ValueError(f'semi_train_cfg.use_audio={legacy_use_audio} contradicts the recognizer, which '
                             f"{'has an' if self.with_audio else 'has no'} audio_backbone; drop use_audio (the "
                             'audio use follows the recognizer).')
        self.teacher = copy.deepcopy(self.student)
        _freeze(self.teacher)
        self.mixer = _build(mixer)
        if not isinstance(self.mixer, BaseMixer):
            raise TypeError(f'mixer must be a BaseMixer (mmavssl.models.mixers), got {type(self.mixer).__name__}.')
        self.threshold = _build(threshold)
        self._check_mask_confidence()
        self.localizer = _build(localizer)
        if self.localizer is not None:
            _freeze(self.localizer)
        if self.mixer.requires_maps and self.localizer is None:
            raise ValueError(f'{type(self.mixer).__name__} samples from localization maps: set `localizer` '
                             '(e.g. FNACLocalizer) or use TubeTokenMixup.')
        self.mix_loss = _build(slots['mix_loss'])
        self.contrastive_loss = _build(slots['contrastive_loss'])
        if not self.with_audio and self.semi_train_cfg['gamma3'] > 0:
            print_log(f"the recognizer has no audio_backbone: no L_c (gamma3={self.semi_train_cfg['gamma3']} "
                      'unused) and no audio mix.', logger='current', level=logging.INFO)

    def _check_mask_confidence(self) -> None:
        head = self.semi_train_cfg['mask_confidence']
        if head == 'fusion':
            return
        if head not in ('audio', 'video'):
            raise ValueError(f"semi_train_cfg.mask_confidence must be 'fusion', 'audio' or 'video', got {head!r}")
        if not getattr(self.student, 'with_aux', False):
            raise ValueError(f"semi_train_cfg.mask_confidence={head!r} reads the teacher's auxiliary {head} head: "
                             'set recognizer.aux_loss_weight > 0, or use mask_confidence=\'fusion\'')
        if not getattr(self.threshold, 'reads_max_only', True):
            raise ValueError(f"semi_train_cfg.mask_confidence={head!r} needs a threshold that reads each row's "
                             f'maximum only; {type(self.threshold).__name__} reads whole rows')

    @property
    def with_audio(self) -> bool:
        """Whether the student has an audio encoder (audios reach it, fbanks are mixed, L_c can run)."""
        return getattr(self.student, 'audio_backbone', None) is not None

    @property
    def with_contrastive(self) -> bool:
        """Whether the step computes L_c: ``gamma3 > 0`` and a student with audio."""
        return self.semi_train_cfg['gamma3'] > 0 and self.with_audio

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
        if not self.with_audio:
            # The pipelines decode audio for every method; a video-only student must never see (or mix) it.
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
        if self.mixer.requires_maps:
            if loc_audios_a is None:
                raise ValueError("ASL-guided mixing needs 'loc_audios' in the unsup_strong branch (add the "
                                 "localizer spectrogram transform to the strong pipeline).")
            with torch.no_grad():
                maps = self.localizer.localize(imgs_a, loc_audios_a, frames_per_map=1)
        res = self.mixer(grid, b, maps=maps)
        # Partners are drawn after the mask (the random streams of earlier runs stay as they were).
        partner = derangement(b, device=imgs_a.device)
        res = self.mixer.relabel(grid, res, partner, maps)
        res = MixResult(mask=res.mask.to(imgs_a.device), lam=res.lam.to(imgs_a.device))
        return MixBatch(result=res, partner=partner, maps=maps)

    def split_batch(self, multi_inputs: Dict[str, dict],
                    multi_data_samples: Dict[str, List[BaseDataElement]]) -> SemiBatch:
        """Squeeze the single training view of every branch and read labels and audio flags.

        Args:
            multi_inputs: ``{'sup' | 'unsup_weak' | 'unsup_strong': {'imgs': (B, 1, C, T, H, W),
                'audios': (B, 1, L, M), ['loc_audios': (B, 1, 1, F, S)]}}``.
            multi_data_samples: Matching lists of ``ActionDataSample``.

        Returns:
            The batch as a :class:`SemiBatch`.
        """
        x_l, a_l, _ = self._branch(multi_inputs, 'sup')
        x_w, a_w, _ = self._branch(multi_inputs, 'unsup_weak')
        x_s, a_s, loc_s = self._branch(multi_inputs, 'unsup_strong')
        ds_l, ds_u = multi_data_samples['sup'], multi_data_samples['unsup_weak']
        return SemiBatch(imgs_l=x_l, audios_l=a_l, labels=labels_of(ds_l, x_l.device),
                         valid_l=audio_valid_of(ds_l, len(ds_l), x_l.device), imgs_w=x_w, audios_w=a_w, imgs_s=x_s,
                         audios_s=a_s, loc_audios_s=loc_s, valid_u=audio_valid_of(ds_u, len(ds_u), x_l.device),
                         samples_u=ds_u)

    def pseudo_label(self, batch: SemiBatch) -> PseudoLabels:
        """The teacher's probabilities on the weak views, the threshold mask and the hard pseudo labels.

        Args:
            batch: The split batch.

        Returns:
            :class:`PseudoLabels` of the B_u unlabeled clips.
        """
        with torch.no_grad():
            feats = self.teacher.extract_feat(batch.imgs_w, batch.audios_w)
            probs = self.teacher.classify(feats, batch.valid_u).softmax(dim=1)
            labels = probs.argmax(dim=1)
            scored = probs
            head = self.semi_train_cfg['mask_confidence']
            if head != 'fusion':
                # a row holding only the chosen head's probability of the fused pseudo label: a threshold that
                # reads the row maximum then ranks the clips by that head's confidence (clamped above 0, so the
                # maximum stays at the pseudo label when that probability underflows)
                conf = getattr(self.teacher, f'aux_{head}_head')(feats[head]).softmax(dim=1)
                scored = torch.zeros_like(probs).scatter_(1, labels[:, None],
                                                          conf.gather(1, labels[:, None]).clamp_min(1e-30))
        mask = self.threshold(scored, self._sample_idx(batch.samples_u, batch.imgs_w.device))
        return PseudoLabels(probs=probs, mask=mask, labels=labels, feats=feats)

    def loss_sup(self, feats_l: Dict[str, Optional[Tensor]], batch: SemiBatch) -> Dict[str, Tensor]:
        """``L_s`` (Eq. 1): the recognizer's own per-sample loss, so its auxiliary terms (if any) train too.

        Args:
            feats_l: The student's embeddings of the B_l labeled clips.
            batch: The split batch.

        Returns:
            ``{'loss_sup': scalar}``.
        """
        return dict(loss_sup=self.student.per_sample_cls_loss(feats_l, batch.valid_l, batch.labels).mean())

    def loss_unsup(self, feats_u: Dict[str, Optional[Tensor]], batch: SemiBatch,
                   pseudo: PseudoLabels) -> Dict[str, Tensor]:
        """``gamma1 * L_u`` (Eq. 4): masked cross-entropy of the strong views against the pseudo labels.

        Args:
            feats_u: The student's embeddings of the B_u strong views.
            batch: The split batch.
            pseudo: The teacher's pseudo labels.

        Returns:
            ``{'loss_unsup': scalar}``, averaged over all B_u clips (masked ones count as zero).
        """
        per_clip = self.student.per_sample_cls_loss(feats_u, batch.valid_u, pseudo.labels,
                                                    aux=self.semi_train_cfg['unsup_aux'])
        return dict(loss_unsup=self.semi_train_cfg['gamma1'] * (per_clip * pseudo.mask).mean())

    def forward_mixed(self, batch: SemiBatch) -> MixedClips:
        """Mix every strong clip A with a partner B (Eq. 5, 6) and embed the mixed clips with the student.

        Args:
            batch: The split batch.

        Returns:
            :class:`MixedClips`.
        """
        mix = self.mix_batch(batch.imgs_s, batch.loc_audios_s)
        perm, x_s, a_s = mix.partner, batch.imgs_s, batch.audios_s
        a_mix = None if a_s is None else mix_audio(a_s, a_s[perm], mix.result.lam)
        feats = self.student.extract_feat(x_s, a_mix, token_mask=mix.result.mask, partner_imgs=x_s[perm])
        return MixedClips(mix=mix, feats=feats, valid=batch.valid_u & batch.valid_u[perm])

    def loss_mix(self, mixed: MixedClips, pseudo: PseudoLabels) -> Dict[str, Tensor]:
        """``gamma2 * L_mix`` (Eq. 10): ``mix_loss`` of the student's logits on the mixed clips.

        Args:
            mixed: The student's pass over the mixed clips.
            pseudo: The teacher's pseudo labels of clips A (partners B are their permutation).

        Returns:
            ``{'loss_mix': scalar}``.
        """
        logits = self.student.classify(mixed.feats, mixed.valid)
        perm = mixed.mix.partner
        value = self.mix_loss(logits, pseudo.probs, pseudo.mask, pseudo.probs[perm], pseudo.mask[perm],
                              mixed.mix.result.lam)
        return dict(loss_mix=self.semi_train_cfg['gamma2'] * value)

    def loss_contrastive(self, feats: Dict[str, Optional[Tensor]], mixed: MixedClips,
                         batch: SemiBatch) -> Dict[str, Tensor]:
        """``gamma3 * L_c`` (Eq. 13-18) over labeled, unlabeled and mixed clips whose audio is real.

        Placeholder fbanks of clips without audio are no positives, so those rows are left out.

        Args:
            feats: The student's embeddings of the B_l labeled then B_u strong clips.
            mixed: The student's pass over the mixed clips.
            batch: The split batch.

        Returns:
            ``{'loss_con': scalar}``, or ``{}`` when :attr:`with_contrastive` is False.

        Raises:
            ValueError: If the student has an audio encoder but returned no audio embeddings.
        """
        if not self.with_contrastive:
            return {}
        if feats['audio'] is None:
            raise ValueError('gamma3 > 0 needs audio embeddings, but the recognizer returned none; set gamma3=0 '
                             'or return the audio CLS embedding from extract_feat.')
        valid = torch.cat([batch.valid_l, batch.valid_u, mixed.valid])
        z_vid = torch.cat([feats['video'], mixed.feats['video']])[valid]
        z_aud = torch.cat([feats['audio'], mixed.feats['audio']])[valid]
        if z_vid.shape[0] < 2:
            # No negatives: a zero that keeps the graph identical on every rank (DDP).
            value = (feats['video'].sum() + feats['audio'].sum()) * 0.0
        else:
            value = self.contrastive_loss(z_vid, z_aud)
        return dict(loss_con=self.semi_train_cfg['gamma3'] * value)

    def loss(self, multi_inputs: Dict[str, dict],
             multi_data_samples: Dict[str, List[BaseDataElement]]) -> Dict[str, Tensor]:
        """One semi-supervised step (Eq. 19): :meth:`loss_sup`, :meth:`loss_unsup`, :meth:`loss_mix`,
        :meth:`loss_contrastive`.

        Args:
            multi_inputs: ``{'sup' | 'unsup_weak' | 'unsup_strong': {'imgs': (B, 1, C, T, H, W),
                'audios': (B, 1, L, M), ['loc_audios': (B, 1, 1, F, S)]}}``.
            multi_data_samples: Matching lists of ``ActionDataSample``; ``sup`` ones need ``gt_label``,
                unlabeled ones ``metainfo['sample_idx']`` for stateful thresholds.

        Returns:
            ``loss_sup``, ``loss_unsup``, ``loss_mix``, ``loss_con`` (weighted) and the diagnostics
            ``mask_ratio``, ``lam``, ``thr_mean`` and, when unlabeled labels are known, ``pseudo_acc``.
        """
        batch = self.split_batch(multi_inputs, multi_data_samples)
        pseudo = self.pseudo_label(batch)
        n_l = batch.imgs_l.shape[0]
        audios = None if batch.audios_l is None else torch.cat([batch.audios_l, batch.audios_s])
        # Labeled and strong clips in one student pass: one forward for both terms.
        feats = self.student.extract_feat(torch.cat([batch.imgs_l, batch.imgs_s]), audios)
        losses = self.loss_sup(_slice_feats(feats, slice(None, n_l)), batch)
        losses.update(self.loss_unsup(_slice_feats(feats, slice(n_l, None)), batch, pseudo))
        mixed = self.forward_mixed(batch)
        losses.update(self.loss_mix(mixed, pseudo))
        losses.update(self.loss_contrastive(feats, mixed, batch))
        losses.update(self._diagnostics(pseudo, mixed.mix.result.lam, batch.samples_u))
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

    @torch.no_grad()
    def _diagnostics(self, pseudo: PseudoLabels, lam: Tensor,
                     data_samples: List[BaseDataElement]) -> Dict[str, Tensor]:
        """Mask ratio, mean lam, mean threshold and pseudo-label accuracy (global counts across ranks).

        ``pseudo_acc`` is over every unlabeled clip whose label is known, ``pseudo_acc_masked`` over those the
        threshold let in: a threshold that filters well keeps the second above the first.
        """
        device = pseudo.probs.device
        out = dict(mask_ratio=pseudo.mask.float().mean(), lam=lam.float().mean(),
                   thr_mean=self.threshold.class_thresholds().float().mean().to(device))
        gt = torch.tensor([int(ds.gt_label.view(-1)[0]) if 'gt_label' in ds else -1 for ds in data_samples],
                          device=device)
        known = gt >= 0
        kept = known & (pseudo.mask > 0)
        right = pseudo.labels == gt
        counts = torch.stack([right[known].sum(), known.sum(), right[kept].sum(), kept.sum()]).float()
        # Collective on every rank, so the key set below is the same everywhere.
        all_reduce(counts, op='sum')
        if counts[1] > 0:
            out['pseudo_acc'] = counts[0] / counts[1]
        if counts[3] > 0:
            out['pseudo_acc_masked'] = counts[2] / counts[3]
        return out

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
