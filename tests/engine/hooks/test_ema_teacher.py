"""EMATeacherHook: copy at iteration 0, EMA formula and convention, buffer policy, eval teacher."""
from types import SimpleNamespace

import pytest
import torch
from torch import nn

from mmavssl.engine.hooks import EMATeacherHook
from mmavssl.models.recognizers import SemiSupervisedAVRecognizer


class Net(nn.Module):

    def __init__(self, value: float) -> None:
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.drop = nn.Dropout(0.5)
        nn.init.constant_(self.lin.weight, value)
        nn.init.constant_(self.lin.bias, value)
        self.register_buffer('stat', torch.full((2, ), value))
        self.register_buffer('count', torch.tensor(int(value)))


class Pair(nn.Module):

    def __init__(self) -> None:
        super().__init__()
        self.student, self.teacher = Net(0.0), Net(1.0)


def test_copy_at_iteration_zero_only():
    hook, pair = EMATeacherHook(), Pair()
    hook.before_train(SimpleNamespace(model=pair, iter=5))
    assert pair.teacher.lin.weight.eq(1).all()
    hook.before_train(SimpleNamespace(model=pair, iter=0))
    assert pair.teacher.lin.weight.eq(0).all() and pair.teacher.stat.eq(0).all()


def test_momentum_is_one_minus_decay_and_buffers_are_copied():
    hook, pair = EMATeacherHook(momentum=0.01), Pair()
    pair.student.stat.fill_(3.0)
    runner = SimpleNamespace(model=pair, iter=0)
    for k in range(1, 4):
        hook.after_train_iter(runner, batch_idx=k - 1)
        runner.iter += 1
        assert torch.allclose(pair.teacher.lin.weight, torch.full((2, 2), 0.99**k))
        assert pair.teacher.stat.eq(3.0).all() and pair.teacher.count.item() == 0


def test_interval_and_buffer_averaging():
    hook, pair = EMATeacherHook(momentum=0.5, interval=2, update_buffers=True), Pair()
    hook.after_train_iter(SimpleNamespace(model=pair, iter=0), batch_idx=0)
    assert pair.teacher.lin.bias.eq(1).all()
    hook.after_train_iter(SimpleNamespace(model=pair, iter=1), batch_idx=1)
    assert pair.teacher.lin.bias.eq(0.5).all() and pair.teacher.stat.eq(0.5).all()
    assert pair.teacher.count.item() == 0


def test_bad_arguments_and_models():
    with pytest.raises(ValueError, match='1 - decay'):
        EMATeacherHook(momentum=0.99 + 0.01)
    with pytest.raises(ValueError, match='interval'):
        EMATeacherHook(interval=0)
    with pytest.raises(TypeError, match='student'):
        EMATeacherHook().before_train(SimpleNamespace(model=nn.Linear(1, 1), iter=0))


def test_teacher_stays_eval_after_model_train():
    student = Net(0.0)
    student.video_backbone = nn.Identity()
    model = SemiSupervisedAVRecognizer(recognizer=student, mixer=dict(type='TubeTokenMixup'),
                                       threshold=dict(type='FixedThreshold'), semi_train_cfg=dict(gamma3=0.0))
    hook, runner = EMATeacherHook(), SimpleNamespace(model=model, iter=0)
    hook.before_train(runner)
    model.train()
    hook.after_train_iter(runner, batch_idx=0)
    model.train()
    assert model.student.training and model.student.drop.training
    assert not model.teacher.training and not model.teacher.drop.training
    assert not any(p.requires_grad for p in model.teacher.parameters())
