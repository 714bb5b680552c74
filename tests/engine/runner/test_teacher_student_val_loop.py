"""TeacherStudentValLoop: validates teacher then student, prefixes metrics, restores predict_on."""
from types import SimpleNamespace

import pytest
from mmengine.structures import BaseDataElement
from torch import nn

from mmavssl.engine.runner import TeacherStudentValLoop


class DataLoader(list):
    """A list of batches with the ``dataset`` attribute the loop reads."""

    @property
    def dataset(self) -> list:
        return list(self)


class Model(nn.Module):

    def __init__(self) -> None:
        super().__init__()
        self.semi_test_cfg = dict(predict_on='student')
        self.seen = []

    def val_step(self, data_batch):
        self.seen.append(self.semi_test_cfg['predict_on'])
        return [BaseDataElement(score=1.0)]


class Evaluator:

    def __init__(self, model: Model) -> None:
        self.model = model

    def process(self, data_samples, data_batch) -> None:
        pass

    def evaluate(self, size: int) -> dict:
        return {'acc/top1': 1.0 if self.model.semi_test_cfg['predict_on'] == 'teacher' else 0.5}


def _loop(model: nn.Module) -> TeacherStudentValLoop:
    loop = TeacherStudentValLoop.__new__(TeacherStudentValLoop)
    hooks = []
    loop._runner = SimpleNamespace(model=model, call_hook=lambda name, **kw: hooks.append((name, kw)))
    loop.dataloader = DataLoader([0, 1])
    loop.evaluator = Evaluator(model) if hasattr(model, 'semi_test_cfg') else None
    loop.fp16 = False
    loop.val_loss = {}
    loop.hooks = hooks
    return loop


def test_metrics_prefixed_and_predict_on_restored():
    model = Model()
    loop = _loop(model)
    metrics = loop.run()
    assert metrics == {'teacher/acc/top1': 1.0, 'student/acc/top1': 0.5}
    assert model.seen == ['teacher', 'teacher', 'student', 'student']
    assert model.semi_test_cfg['predict_on'] == 'student'
    assert ('after_val_epoch', {'metrics': metrics}) in loop.hooks


def test_plain_model_rejected():
    with pytest.raises(TypeError, match='semi_test_cfg'):
        _loop(nn.Linear(1, 1)).run()
