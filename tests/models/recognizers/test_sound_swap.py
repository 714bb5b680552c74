"""SoundSwapAVRecognizer: L_swap fuses kept clips' frames with rejected clips' sounds and names the kept label."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from mmavssl.models.recognizers import SoundSwapAVRecognizer
from mmavssl.models.thresholds import FixedThreshold
from toolbox_testing import REPO_ROOT


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(REPO_ROOT / 'tests' / 'models' / 'recognizers'))
    import semi_av_standins
    return SoundSwapAVRecognizer, semi_av_standins


class _Mask(FixedThreshold):
    """A fixed mask, whatever the probabilities."""

    def __init__(self, mask):
        super().__init__(0.0)
        self.mask = torch.tensor(mask)

    def forward(self, probs, idx=None):
        return self.mask.float()


def _model(parts, mask, gamma_swap=2.0, swap_guard=None, recognizer=None):
    cls, standins = parts
    torch.manual_seed(0)
    model = cls(gamma_swap=gamma_swap, swap_guard=swap_guard, recognizer=recognizer or standins.TinyRecognizer(),
                mixer=dict(type='ASLGuidedMixup'), threshold=_Mask(mask), localizer=standins.TinyLocalizer())
    model.train()
    model.student.eval()  # no dropout, so the term can be recomputed
    return model, standins


def test_swap_term_equals_its_equation(parts):
    # make_batch's unlabeled clip 1 has no audio: it is neither kept nor a partner
    model, standins = _model(parts, [1, 1, 0, 0])
    inputs, samples = standins.make_batch()
    batch = model.split_batch(inputs, samples)
    pseudo = model.pseudo_label(batch)
    feats = model.student.extract_feat(batch.imgs_s, batch.audios_s)
    torch.manual_seed(5)
    value = model.swap_loss(feats, batch, pseudo)
    torch.manual_seed(5)
    partner = torch.tensor([2, 3])[torch.randint(2, (1, ))]
    logits = model.student.classify({'video': feats['video'][[0]], 'audio': feats['audio'][partner]})
    assert torch.isclose(value, F.cross_entropy(logits, pseudo.labels[[0]], reduction='sum') / 4, atol=1e-6)
    losses = model.loss(inputs, samples)
    assert 'loss_swap' in losses and losses['loss_swap'].requires_grad
    assert losses['swap_ratio'].item() == pytest.approx(1 / 4)  # clip 0 of the 4 unlabeled ones


@pytest.mark.parametrize('mask', [[1, 1, 1, 1], [0, 0, 0, 0]])
def test_no_pair_no_term(parts, mask):
    model, standins = _model(parts, mask)
    inputs, samples = standins.make_batch()
    batch = model.split_batch(inputs, samples)
    feats = model.student.extract_feat(batch.imgs_s, batch.audios_s)
    value = model.swap_loss(feats, batch, model.pseudo_label(batch))
    assert value.item() == 0.0 and value.requires_grad


def test_bad_weight(parts):
    with pytest.raises(ValueError, match='gamma_swap'):
        _model(parts, [1, 0, 0, 0], gamma_swap=-1.0)


def test_bad_guard(parts):
    with pytest.raises(ValueError, match='swap_guard'):
        _model(parts, [1, 0, 0, 0], swap_guard='audio')
    with pytest.raises(ValueError, match='auxiliary video head'):
        _model(parts, [1, 0, 0, 0], swap_guard='video')  # the stand-in has no unimodal heads


def _with_video_head(standins):
    recognizer = standins.TinyRecognizer()
    recognizer.aux_video_head = torch.nn.Linear(8, 3)
    return recognizer


@pytest.mark.parametrize('agree', [0, 1, 2])
def test_video_guard_keeps_the_clips_whose_video_head_agrees(parts, agree):
    # clips 0 and 2 kept, 3 rejected (1 has no audio); the teacher's video head names class `agree` everywhere
    _, standins = parts
    model, _ = _model(parts, [1, 1, 1, 0], swap_guard='video', recognizer=_with_video_head(standins))
    with torch.no_grad():
        model.teacher.aux_video_head.weight.zero_()
        model.teacher.aux_video_head.bias.copy_(torch.arange(3) == agree)
    inputs, samples = standins.make_batch()
    batch = model.split_batch(inputs, samples)
    pseudo = model.pseudo_label(batch)
    kept, rejected = model.swap_clips(batch, pseudo)
    expected = [i for i in (0, 2) if pseudo.labels[i] == agree]
    assert kept.tolist() == expected and rejected.tolist() == [3]
    feats = model.student.extract_feat(batch.imgs_s, batch.audios_s)
    value = model.swap_loss(feats, batch, pseudo)
    if not expected:
        assert value.item() == 0.0
        return
    logits = model.student.classify({'video': feats['video'][expected], 'audio': feats['audio'][[3] * len(expected)]})
    assert torch.isclose(value, F.cross_entropy(logits, pseudo.labels[expected], reduction='sum') / 4, atol=1e-6)


def test_config_adds_the_term_to_the_class_balanced_variant():
    swap = Config.fromfile(str(REPO_ROOT / 'configs' / 'synthetic' / 'asl_1shot.py')).model
    balanced = Config.fromfile(str(REPO_ROOT / 'configs' / 'synthetic' / 'asl_class_balanced_1shot.py')).model
    assert swap.type == 'SoundSwapAVRecognizer' and 'gamma_swap' not in swap  # the class default, 1
    assert balanced.type == 'SemiSupervisedAVRecognizer'
    swap.pop('type'), balanced.pop('type')
    assert swap.pop('swap_guard') == 'video'
    assert swap == balanced  # the same method and selection, plus the one term
    unguarded = Config.fromfile(str(REPO_ROOT / 'configs' / 'synthetic' / 'asl_swap_unguarded_1shot.py')).model
    assert unguarded.pop('swap_guard') is None and unguarded.pop('type') == 'SoundSwapAVRecognizer'
    assert unguarded == balanced
