"""SemiSupervisedAVRecognizer on tiny stand-ins: loss terms, gradient flow, modes, checkpoint loading."""
import pytest
import torch
import torch.nn.functional as F

from mmengine.logging import MessageHub

from mmavssl.models.mixers import MixResult
from mmavssl.models.recognizers import SemiSupervisedAVRecognizer
from mmavssl.models.recognizers.semi_av import derangement
from mmavssl.models.thresholds import FixedThreshold
from semi_av_standins import TinyLocalizer, TinyRecognizer, make_batch

ASL = dict(type='ASLGuidedMixup')
FLEX = dict(type='FlexMatchThreshold', num_classes=3, num_unlabeled=4, p_cutoff=0.3)


def _asl_model(**train_cfg) -> SemiSupervisedAVRecognizer:
    torch.manual_seed(0)
    return SemiSupervisedAVRecognizer(recognizer=TinyRecognizer(), mixer=ASL, threshold=FLEX,
                                      localizer=TinyLocalizer(), semi_train_cfg=train_cfg)


def test_loss_terms_and_gradients_reach_only_the_student():
    model = _asl_model().train()
    assert model.student.training and not model.teacher.training and not model.localizer.training
    teacher_before = {k: v.clone() for k, v in model.teacher.state_dict().items()}
    inputs, samples = make_batch()
    losses = model.loss(inputs, samples)
    assert set(losses) == {'loss_sup', 'loss_unsup', 'loss_mix', 'loss_con', 'mask_ratio', 'lam', 'thr_mean',
                           'pseudo_acc', 'pseudo_acc_masked'}
    total, log_vars = model.parse_losses(losses)
    assert torch.isclose(total, losses['loss_sup'] + losses['loss_unsup'] + losses['loss_mix']
                         + losses['loss_con'])
    assert not any(v.requires_grad for k, v in losses.items() if 'loss' not in k)
    total.backward()
    for name, p in model.student.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert all(p.grad is None and not p.requires_grad for p in model.teacher.parameters())
    assert all(p.grad is None for p in model.localizer.parameters())
    torch.optim.SGD(model.parameters(), lr=1.0).step()
    for k, v in model.teacher.state_dict().items():
        assert torch.equal(v, teacher_before[k]), k
    assert model.localizer.calls == 1
    assert 0 < log_vars['lam'] < 1 and 0 <= log_vars['pseudo_acc'] <= 1


def test_sup_and_unsup_terms_match_the_equations():
    model = _asl_model(gamma1=3.0, gamma3=0.0)
    model.threshold = FixedThreshold(0.0)
    model.train()
    model.student.eval()  # no dropout, so the student can be re-run for the reference values
    inputs, samples = make_batch(seed=1)
    losses = model.loss(inputs, samples)
    assert 'loss_con' not in losses
    rec = model.student
    x_l, a_l = inputs['sup']['imgs'][:, 0], inputs['sup']['audios'][:, 0]
    valid_l = torch.tensor([True, False])
    labels = torch.cat([ds.gt_label for ds in samples['sup']])
    ref_sup = F.cross_entropy(rec.classify(rec.extract_feat(x_l, a_l), valid_l), labels)
    assert torch.isclose(losses['loss_sup'], ref_sup, atol=1e-6)
    valid_u = torch.tensor([True, False, True, True])
    teacher = model.teacher
    pseudo = teacher.classify(teacher.extract_feat(inputs['unsup_weak']['imgs'][:, 0],
                                                   inputs['unsup_weak']['audios'][:, 0]), valid_u).argmax(1)
    strong = rec.classify(rec.extract_feat(inputs['unsup_strong']['imgs'][:, 0],
                                           inputs['unsup_strong']['audios'][:, 0]), valid_u)
    assert torch.isclose(losses['loss_unsup'], 3.0 * F.cross_entropy(strong, pseudo), atol=1e-6)
    assert losses['mask_ratio'] == 1.0


def test_mix_batch_exposes_mask_maps_and_partner():
    model = _asl_model()
    inputs, _ = make_batch(n_u=3, t=4, size=8)
    mixed = model.mix_batch(inputs['unsup_strong']['imgs'][:, 0], inputs['unsup_strong']['loc_audios'][:, 0])
    assert mixed.maps.shape == (3, 4, 2, 2)
    assert mixed.result.mask.shape == (3, 4, 4)
    assert torch.allclose(mixed.result.lam, mixed.result.mask.mean(dim=(1, 2)))
    assert sorted(mixed.partner.tolist()) == [0, 1, 2]
    assert all(p != i for i, p in enumerate(mixed.partner.tolist()))
    with pytest.raises(ValueError, match='loc_audios'):
        model.mix_batch(inputs['unsup_strong']['imgs'][:, 0])


def test_map_mass_lam_reaches_the_audio_mix_and_the_label():
    torch.manual_seed(0)
    model = SemiSupervisedAVRecognizer(recognizer=TinyRecognizer(), threshold=FLEX, localizer=TinyLocalizer(),
                                       mixer=dict(type='ASLGuidedMixup', lam_from='map_mass'))
    inputs, _ = make_batch(n_u=3, t=4, size=8)
    imgs, loc = inputs['unsup_strong']['imgs'][:, 0], inputs['unsup_strong']['loc_audios'][:, 0]
    mixed = model.mix_batch(imgs, loc)
    expected = model.mixer.relabel((4, 2, 2), MixResult(mixed.result.mask, mixed.result.mask.mean((1, 2))),
                                   mixed.partner, mixed.maps)
    assert torch.allclose(mixed.result.lam, expected.lam)
    assert not torch.allclose(mixed.result.lam, mixed.result.mask.mean(dim=(1, 2)))
    # the same draws as the paper's lam: only lam differs
    torch.manual_seed(0)
    paper = _asl_model()
    torch.manual_seed(5)
    a = paper.mix_batch(imgs, loc)
    torch.manual_seed(5)
    b = model.mix_batch(imgs, loc)
    assert torch.equal(a.result.mask, b.result.mask) and torch.equal(a.partner, b.partner)


def test_video_only_svformer_baseline():
    torch.manual_seed(0)
    model = SemiSupervisedAVRecognizer(
        recognizer=TinyRecognizer(use_audio=False, tubelet=2), mixer=dict(type='TubeTokenMixup'),
        threshold=dict(type='FixedThreshold', tau=0.3),
        mix_loss=dict(type='MixConsistencyLoss', weighting='soft', target_space='logit')).train()
    inputs, samples = make_batch(t=4, loc=False, gt_unlabeled=False)
    losses = model.loss(inputs, samples)
    assert {'loss_sup', 'loss_unsup', 'loss_mix', 'mask_ratio', 'lam', 'thr_mean'} == set(losses)
    model.parse_losses(losses)[0].backward()
    assert model.student.video_backbone.embed.weight.grad.abs().sum() > 0


def test_predict_dispatches_to_teacher_or_student():
    model = _asl_model().eval()
    inputs, samples = make_batch()
    single = {k: v for k, v in inputs['sup'].items() if k != 'loc_audios'}
    with torch.no_grad():
        model.student.head.bias.add_(5.0)
        out_t = model(single, samples['sup'], mode='tensor')
        model.semi_test_cfg['predict_on'] = 'student'
        out_s = model(single, samples['sup'], mode='tensor')
        preds = model(single, samples['sup'], mode='predict')
    assert torch.allclose(out_t, model.teacher(single, None, 'tensor'))
    assert torch.allclose(out_s, out_t + 5.0, atol=1e-5)
    assert preds[0].pred_score.shape == (3, )


def test_plain_checkpoint_loads_into_student_and_teacher():
    model = _asl_model()
    plain = TinyRecognizer().state_dict()
    missing, unexpected = model.load_state_dict(plain, strict=False)
    assert not unexpected
    assert all(k.startswith(('localizer.', 'threshold.')) for k in missing)
    for k, v in plain.items():
        assert torch.equal(model.student.state_dict()[k], v) and torch.equal(model.teacher.state_dict()[k], v)
    full = model.state_dict()
    model2 = _asl_model()
    model2.load_state_dict(full)
    assert torch.equal(model2.threshold.selected_label, model.threshold.selected_label)


def test_config_errors():
    with pytest.raises(ValueError, match='localizer'):
        SemiSupervisedAVRecognizer(TinyRecognizer(), ASL, FLEX)
    with pytest.raises(ValueError, match='unknown semi_train_cfg'):
        SemiSupervisedAVRecognizer(TinyRecognizer(), dict(type='TubeTokenMixup'), FLEX,
                                   semi_train_cfg=dict(gama1=2))
    with pytest.raises(ValueError, match='predict_on'):
        SemiSupervisedAVRecognizer(TinyRecognizer(), dict(type='TubeTokenMixup'), FLEX,
                                   semi_test_cfg=dict(predict_on='ema'))
    model = _asl_model()
    inputs, samples = make_batch()
    del inputs['sup']
    with pytest.raises(ValueError, match="'sup' branch"):
        model.loss(inputs, samples)


@pytest.mark.parametrize('n', [2, 3, 5, 16])
def test_derangement_has_no_fixed_points_and_is_a_permutation(n):
    torch.manual_seed(n)
    for _ in range(200):
        p = derangement(n)
        assert sorted(p.tolist()) == list(range(n))
        assert (p != torch.arange(n)).all()


def test_derangement_draws_every_pairing_of_three():
    torch.manual_seed(0)
    # the two 3-cycles are the only derangements of 3 elements; both must appear
    seen = {tuple(derangement(3).tolist()) for _ in range(100)}
    assert seen == {(1, 2, 0), (2, 0, 1)}
    with pytest.raises(ValueError, match='at least 2'):
        derangement(1)


def test_unsup_aux_switch_adds_the_auxiliary_terms_to_l_u_only():
    seen = []

    class Recording(TinyRecognizer):
        def per_sample_cls_loss(self, feats, audio_valid, targets, aux=True):
            seen.append((feats['video'].shape[0], aux))
            return super().per_sample_cls_loss(feats, audio_valid, targets, aux)

    for unsup_aux in (False, True):
        seen.clear()
        torch.manual_seed(0)
        model = SemiSupervisedAVRecognizer(recognizer=Recording(), mixer=ASL, threshold=FLEX,
                                           localizer=TinyLocalizer(), semi_train_cfg=dict(unsup_aux=unsup_aux))
        inputs, samples = make_batch()
        model.loss(inputs, samples)
        assert seen == [(2, True), (4, unsup_aux)]  # labeled clips always with aux, unlabeled per the switch


def test_term_grad_norms_equal_each_terms_own_gradient():
    model = _asl_model(grad_norm_interval=5).train()
    inputs, samples = make_batch()
    hub = MessageHub.get_current_instance()
    hub.update_info('iter', 3)
    assert not any(k.startswith('gnorm_') for k in model.loss(inputs, samples))
    hub.update_info('iter', 10)
    torch.manual_seed(7)
    losses = model.loss(inputs, samples)
    assert {k for k in losses if k.startswith('gnorm_')} == {'gnorm_sup', 'gnorm_unsup', 'gnorm_mix', 'gnorm_con'}
    for term in ('sup', 'unsup', 'mix', 'con'):
        model.zero_grad()
        losses['loss_' + term].backward(retain_graph=True)
        ref = torch.sqrt(sum((p.grad**2).sum() for p in model.student.parameters() if p.grad is not None))
        assert torch.isclose(losses['gnorm_' + term], ref, rtol=1e-5), term
        assert not losses['gnorm_' + term].requires_grad


class _AuxRecognizer(TinyRecognizer):
    """TinyRecognizer with the auxiliary unimodal heads of AVRecognizer (aux_loss_weight > 0)."""

    with_aux = True

    def __init__(self) -> None:
        super().__init__()
        self.aux_video_head = torch.nn.Linear(8, 3)
        self.aux_audio_head = torch.nn.Linear(8, 3)


class _Recorder(FixedThreshold):
    def forward(self, probs, idx=None):
        self.seen = probs.clone()
        return super().forward(probs, idx)


@pytest.mark.parametrize('head', ['audio', 'video'])
def test_mask_confidence_hands_the_threshold_that_heads_probability_of_the_fused_label(head):
    torch.manual_seed(0)
    thr = _Recorder(0.0)
    model = SemiSupervisedAVRecognizer(recognizer=_AuxRecognizer(), mixer=ASL, threshold=thr,
                                       localizer=TinyLocalizer(), semi_train_cfg=dict(mask_confidence=head))
    inputs, samples = make_batch()
    batch = model.split_batch(inputs, samples)
    pseudo = model.pseudo_label(batch)
    teacher = model.teacher
    feats = teacher.extract_feat(batch.imgs_w, batch.audios_w)
    fused = teacher.classify(feats, batch.valid_u).softmax(1)
    assert torch.equal(pseudo.labels, fused.argmax(1)) and torch.allclose(pseudo.probs, fused)
    own = getattr(teacher, f'aux_{head}_head')(feats[head]).softmax(1)
    expected = torch.zeros_like(fused).scatter_(1, pseudo.labels[:, None], own.gather(1, pseudo.labels[:, None]))
    assert torch.allclose(thr.seen, expected)
    assert torch.equal(thr.seen.argmax(1), pseudo.labels)


def test_mask_confidence_errors():
    with pytest.raises(ValueError, match='mask_confidence must be'):
        SemiSupervisedAVRecognizer(_AuxRecognizer(), ASL, FLEX, localizer=TinyLocalizer(),
                                   semi_train_cfg=dict(mask_confidence='both'))
    with pytest.raises(ValueError, match='aux_loss_weight'):
        SemiSupervisedAVRecognizer(TinyRecognizer(), ASL, FLEX, localizer=TinyLocalizer(),
                                   semi_train_cfg=dict(mask_confidence='audio'))
    with pytest.raises(ValueError, match='reads whole rows'):
        SemiSupervisedAVRecognizer(_AuxRecognizer(), ASL, dict(type='FreeMatchThreshold', num_classes=3),
                                   localizer=TinyLocalizer(), semi_train_cfg=dict(mask_confidence='audio'))
