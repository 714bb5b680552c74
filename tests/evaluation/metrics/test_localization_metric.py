"""LocalizationMetric through mmengine's Evaluator with ActionDataSample predictions."""
import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.evaluator import Evaluator

from mmavssl.evaluation.metrics import LocalizationMetric

TOP_HEAVY = torch.arange(16, dtype=torch.float32).flip(0).reshape(4, 4)


def _sample(boxes) -> ActionDataSample:
    sample = ActionDataSample(metainfo={'gt_boxes': np.array(boxes), 'img_shape': (4, 4)})
    sample.set_field(TOP_HEAVY, 'pred_loc_map')
    return sample


def test_metric_with_baselines():
    evaluator = Evaluator([LocalizationMetric()])
    evaluator.process(data_samples=[_sample([[0, 0, 4, 2]]), _sample([[0, 0, 2, 2]])], data_batch=None)
    scores = evaluator.evaluate(2)
    assert scores['loc/cIoU'] == pytest.approx(1.0)
    assert scores['loc/mIoU'] == pytest.approx((1.0 + 0.5) / 2)
    # centre box rows/cols 1:3: 2 of 8 GT pixels -> 2 / (8 + 2); 1 of 4 GT pixels -> 1 / (4 + 3).
    assert scores['loc/center/mIoU'] == pytest.approx((2 / 10 + 1 / 7) / 2)
    # uniform map -> whole frame: 8 / 16 and 4 / 16.
    assert scores['loc/uniform/mIoU'] == pytest.approx((0.5 + 0.25) / 2)
    assert scores['loc/uniform/cIoU'] == pytest.approx(0.5)
    # The peak (0, 0) lies in both boxes; the 2 x 2 centre point has 2 and 1 of its pixels in them; a random
    # point lands in the boxes with probability 8 / 16 and 4 / 16.
    assert scores['loc/pointing'] == pytest.approx(1.0)
    assert scores['loc/center/pointing'] == pytest.approx((2 / 4 + 1 / 4) / 2)
    assert scores['loc/uniform/pointing'] == pytest.approx((8 / 16 + 4 / 16) / 2)


def test_metric_top_ratio_and_tolerance():
    metric = LocalizationMetric(threshold='top_ratio', top_ratio=0.25, pointing_tolerance=2.0, baselines=())
    evaluator = Evaluator([metric])
    evaluator.process(data_samples=[_sample([[0, 0, 4, 1]]), _sample([[2, 0, 4, 1]])], data_batch=None)
    scores = evaluator.evaluate(2)
    # Top row predicted: IoU 1 and 2 / (2 + 2); the second box is 2 px from the peak, within the tolerance.
    assert scores['loc/mIoU'] == pytest.approx((1.0 + 0.5) / 2)
    assert scores['loc/cIoU'] == pytest.approx(1.0)
    assert scores['loc/pointing'] == pytest.approx(1.0)


def test_metric_errors():
    metric = LocalizationMetric(baselines=())
    with pytest.raises(KeyError, match='gt_boxes'):
        metric.process({}, [{'pred_loc_map': TOP_HEAVY, 'img_shape': (4, 4)}])
    with pytest.raises(ValueError, match='baselines'):
        LocalizationMetric(baselines=('random',))
    with pytest.raises(ValueError, match='threshold'):
        LocalizationMetric(threshold=2.0)
    with pytest.raises(ValueError, match='top_ratio'):
        LocalizationMetric(threshold='top_ratio', top_ratio=1.5)
