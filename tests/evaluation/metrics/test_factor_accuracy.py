"""FactorAccuracy: per-factor accuracy of (shape, timbre) labels."""
import pytest
import torch

from mmavssl.evaluation.metrics import FactorAccuracy


def _sample(pred: int, gt: int, k: int = 6) -> dict:
    return {'pred_score': torch.nn.functional.one_hot(torch.tensor(pred), k).float(), 'gt_label': torch.tensor(gt)}


def test_each_factor_counts_on_its_own():
    metric = FactorAccuracy(factor_sizes=(3, 2), factor_names=('shape', 'timbre'))
    # label = shape * 2 + timbre; (pred, gt): shape right + timbre wrong, both right, shape wrong + timbre right
    metric.process({}, [_sample(1, 0), _sample(4, 4), _sample(5, 1)])
    out = metric.compute_metrics(metric.results)
    assert out == {'shape': pytest.approx(2 / 3), 'timbre': pytest.approx(2 / 3)}


def test_bad_arguments():
    with pytest.raises(ValueError, match='one positive size per name'):
        FactorAccuracy(factor_sizes=(3, 2), factor_names=('shape', ))
