"""SemiSupervisedAVRecognizer's extension points: loss slots from the registry, one method per term of Eq. 19,
audio use from the student, and loss values pinned to those of the single-method ``loss`` it replaced."""
from typing import Dict, List

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from torch import Tensor, nn

from mmavssl.models.mixers import ASLGuidedMixup, BaseMixer, TubeTokenMixup
from mmavssl.models.recognizers import SemiSupervisedAVRecognizer
from mmavssl.registry import MODELS
from semi_av_standins import TinyLocalizer, TinyRecognizer, make_batch

FLEX = dict(type='FlexMatchThreshold', num_classes=3, num_unlabeled=4, p_cutoff=0.3)
FIXED = dict(type='FixedThreshold', tau=0.3)
SVFORMER_MIX = dict(type='MixConsistencyLoss', tau_mix=0.5, weighting='soft', target_space='logit')

# Loss values of two training steps (the second after the first step's threshold update), recorded with the
# single-method ``loss`` before the split into one method per term (commit 953837f), torch.manual_seed(0) before
# building the model and make_batch(seed=...) for the batches.
PINNED = {
    'asl_flex_default': [
        dict(loss_sup=1.0787971019744873, loss_unsup=1.952844262123108, loss_mix=0.21925291419029236,
             loss_con=0.3611938953399658, lam=0.3125, mask_ratio=1.0, thr_mean=0.1666666716337204),
        dict(loss_sup=1.2015044689178467, loss_unsup=2.1588680744171143, loss_mix=0.1901922971010208,
             loss_con=0.5778078436851501, lam=0.375, mask_ratio=1.0, pseudo_acc=0.75)],
    'tube_soft_logit_aux': [
        dict(loss_sup=1.0945100784301758, loss_unsup=1.3735172748565674, loss_mix=0.4848143756389618,
             lam=0.30000001192092896, pseudo_acc=0.20000000298023224),
        dict(loss_sup=1.1942951679229736, loss_unsup=1.427171230316162, loss_mix=0.45617133378982544,
             lam=0.4000000059604645, pseudo_acc=0.4000000059604645)],
    'asl_contrastive_temp': [
        dict(loss_sup=1.1353325843811035, loss_unsup=1.712544560432434, loss_mix=0.35698556900024414,
             loss_con=1.6432716846466064, thr_mean=0.3333333432674408),
        dict(loss_sup=1.0409389734268188, loss_unsup=1.9622745513916016, loss_mix=0.29293638467788696,
             loss_con=1.6351969242095947, thr_mean=0.3333602845668793)],
    'video_only_svformer': [
        dict(loss_sup=1.2658013105392456, loss_unsup=1.983756422996521, loss_mix=0.6586944460868835, lam=0.5),
        dict(loss_sup=1.198941946029663, loss_unsup=2.000308036804199, loss_mix=0.7829909920692444, lam=0.75)],
}

# The scenarios of PINNED: model arguments and batch arguments (the second step uses seed + 1).
SCENARIOS = {
    'asl_flex_default': (dict(recognizer={}, mixer=dict(type='ASLGuidedMixup'), threshold=FLEX, localizer=True),
                         dict(seed=0)),
    'tube_soft_logit_aux': (dict(recognizer={}, mixer=dict(type='TubeTokenMixup', share_across_batch=False),
                                 threshold=FIXED, mix_loss=SVFORMER_MIX,
                                 semi_train_cfg=dict(gamma1=1.5, gamma2=3.0, gamma3=0.0, unsup_aux=True)),
                            dict(seed=0, loc=False, n_u=5)),
    'asl_contrastive_temp': (dict(recognizer={}, mixer=dict(type='ASLGuidedMixup', alpha1=2.0),
                                  threshold=dict(type='FreeMatchThreshold', num_classes=3), localizer=True,
                                  contrastive_loss=dict(type='AVContrastiveLoss', temperature=0.2),
                                  semi_train_cfg=dict(gamma3=0.7)),
                             dict(seed=3)),
    'video_only_svformer': (dict(recognizer=dict(use_audio=False, tubelet=2), mixer=dict(type='TubeTokenMixup'),
                                 threshold=FIXED, mix_loss=dict(type='MixConsistencyLoss', weighting='soft',
                                                                target_space='logit'),
                                 semi_train_cfg=dict(gamma3=0.0)),
                            dict(seed=0, t=4, loc=False, gt_unlabeled=False)),
}


def build(recognizer: dict, localizer: bool = False, **kwargs) -> SemiSupervisedAVRecognizer:
    """The recognizer of a scenario on the tiny stand-ins, seeded as when PINNED was recorded."""
    torch.manual_seed(0)
    return SemiSupervisedAVRecognizer(recognizer=TinyRecognizer(**recognizer),
                                      localizer=TinyLocalizer() if localizer else None, **kwargs).train()


def two_steps(model: SemiSupervisedAVRecognizer, batch: dict) -> List[Dict[str, float]]:
    """Loss dicts of two steps (backward after each, no optimizer step), as plain floats."""
    out = []
    for step in range(2):
        inputs, samples = make_batch(**{**batch, 'seed': batch['seed'] + step})
        losses = model.loss(inputs, samples)
        model.parse_losses(losses)[0].backward()
        out.append({k: float(v.detach()) for k, v in losses.items()})
    return out


@pytest.mark.parametrize('name', sorted(PINNED))
def test_loss_values_match_the_single_method_loss(name: str) -> None:
    model_args, batch = SCENARIOS[name]
    for got, pinned in zip(two_steps(build(**model_args), batch), PINNED[name]):
        for key, value in pinned.items():
            assert got[key] == pytest.approx(value, rel=1e-5, abs=1e-7), key
    if name in ('tube_soft_logit_aux', 'video_only_svformer'):
        assert 'loss_con' not in got


def test_legacy_semi_train_cfg_keys_give_the_same_losses() -> None:
    """Older configs set the loss arguments and ``use_audio`` in semi_train_cfg; they still work, identically."""
    model_args, batch = SCENARIOS['video_only_svformer']
    legacy = build(**{**model_args, 'mix_loss': dict(type='MixConsistencyLoss'),
                      'semi_train_cfg': dict(gamma3=0.0, use_audio=False, mix_weighting='soft',
                                             mix_target='logit')})
    assert (legacy.mix_loss.weighting, legacy.mix_loss.target_space) == ('soft', 'logit')
    assert two_steps(legacy, batch) == two_steps(build(**model_args), batch)
    con = build(recognizer={}, mixer=dict(type='TubeTokenMixup'), threshold=FIXED,
                semi_train_cfg=dict(contrastive_temperature=0.2, tau_mix=0.6))
    assert con.contrastive_loss.temperature == 0.2 and con.mix_loss.tau_mix == 0.6
    # the new way: a slot config without type sets arguments of the default loss
    new = build(recognizer={}, mixer=dict(type='TubeTokenMixup'), threshold=FIXED,
                mix_loss=dict(tau_mix=0.6), contrastive_loss=dict(temperature=0.2))
    assert new.contrastive_loss.temperature == 0.2 and new.mix_loss.tau_mix == 0.6
    with pytest.raises(ValueError, match='given as a module'):
        build(recognizer={}, mixer=dict(type='TubeTokenMixup'), threshold=FIXED,
              mix_loss=MODELS.build(dict(type='MixConsistencyLoss')), semi_train_cfg=dict(tau_mix=0.6))
    with pytest.raises(ValueError, match='contradicts the recognizer'):
        build(recognizer={}, mixer=dict(type='TubeTokenMixup'), threshold=FIXED,
              semi_train_cfg=dict(use_audio=False))


@MODELS.register_module(force=True)
class ToyMixLoss(nn.Module):
    """A third-party L_mix: ``scale * |softmax(mix_logits) - probs_a|``, which records the shapes it was given."""

    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        self.scale = scale
        self.shapes = []

    def forward(self, mix_logits: Tensor, probs_a: Tensor, mask_a: Tensor, probs_b: Tensor, mask_b: Tensor,
                lam: Tensor) -> Tensor:
        self.shapes.append([tuple(x.shape) for x in (mix_logits, probs_a, mask_a, probs_b, mask_b, lam)])
        self.last = self.scale * (mix_logits.softmax(dim=1) - probs_a).abs().mean()
        return self.last


@MODELS.register_module(force=True)
class ToyContrastiveLoss(nn.Module):
    """A third-party L_c: the mean squared distance of the paired embeddings."""

    def forward(self, z_vid: Tensor, z_aud: Tensor) -> Tensor:
        self.last = (z_vid - z_aud).pow(2).mean()
        return self.last


def test_third_party_losses_plug_in_through_the_config_alone() -> None:
    init_default_scope('mmavssl')
    MODELS.register_module(name='TinyStandIn', module=TinyRecognizer, force=True)
    cfg = Config(dict(model=dict(
        type='SemiSupervisedAVRecognizer', recognizer=dict(type='TinyStandIn'), mixer=dict(type='TubeTokenMixup'),
        threshold=FIXED, mix_loss=dict(type='ToyMixLoss', scale=7.0), contrastive_loss=dict(type='ToyContrastiveLoss'),
        semi_train_cfg=dict(gamma2=0.5, gamma3=0.25))))
    model = MODELS.build(cfg.model).train()
    assert isinstance(model.mix_loss, ToyMixLoss) and isinstance(model.contrastive_loss, ToyContrastiveLoss)
    inputs, samples = make_batch(loc=False)
    losses = model.loss(inputs, samples)
    assert model.mix_loss.shapes == [[(4, 3), (4, 3), (4, ), (4, 3), (4, ), (4, )]]
    assert torch.equal(losses['loss_mix'], 0.5 * model.mix_loss.last)
    assert torch.equal(losses['loss_con'], 0.25 * model.contrastive_loss.last)
    model.parse_losses(losses)[0].backward()
    assert model.student.audio_backbone.weight.grad.abs().sum() > 0


def test_a_subclass_overrides_one_term() -> None:
    """A method that changes L_c alone overrides ``loss_contrastive``; the other terms stay as they were."""

    class NoContrastive(SemiSupervisedAVRecognizer):
        def loss_contrastive(self, feats, mixed, batch):
            return dict(loss_con=feats['video'].sum() * 0.0, feats_rows=torch.tensor(float(len(feats['video']))))

    model_args, batch = SCENARIOS['asl_flex_default']
    torch.manual_seed(0)
    sub = NoContrastive(recognizer=TinyRecognizer(), localizer=TinyLocalizer(),
                        **{k: v for k, v in model_args.items() if k not in ('recognizer', 'localizer')}).train()
    got = two_steps(sub, batch)
    for step, pinned in zip(got, PINNED['asl_flex_default']):
        assert step['loss_con'] == 0.0 and step['feats_rows'] == 2 + 4  # labeled + strong clips
        for key in ('loss_sup', 'loss_unsup', 'loss_mix'):
            assert step[key] == pytest.approx(pinned[key], rel=1e-5), key


def test_audio_use_follows_the_student() -> None:
    seen = []

    class Recording(TinyRecognizer):
        def extract_feat(self, imgs, audios, token_mask=None, partner_imgs=None):
            seen.append(audios)
            return super().extract_feat(imgs, audios, token_mask, partner_imgs)

    for use_audio in (True, False):
        seen.clear()
        torch.manual_seed(0)
        model = SemiSupervisedAVRecognizer(Recording(use_audio=use_audio), dict(type='TubeTokenMixup'), FIXED)
        assert model.with_audio is use_audio and model.with_contrastive is use_audio  # default gamma3 0.1
        inputs, samples = make_batch(loc=False)
        losses = model.loss(inputs, samples)
        assert ('loss_con' in losses) is use_audio
        # teacher, student (labeled + strong), student (mixed): audios only for a student with an audio encoder
        assert [a is not None for a in seen] == [use_audio] * 3


def test_every_mixer_is_a_base_mixer() -> None:
    assert issubclass(TubeTokenMixup, BaseMixer) and issubclass(ASLGuidedMixup, BaseMixer)
    assert ASLGuidedMixup.requires_maps and not TubeTokenMixup.requires_maps
    with pytest.raises(TypeError, match='abstract'):
        BaseMixer()
    with pytest.raises(TypeError, match='BaseMixer'):
        SemiSupervisedAVRecognizer(TinyRecognizer(), nn.Identity(), FIXED)
