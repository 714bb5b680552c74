"""DataModelCheckHook: a typed FlexMatch state size must be the unlabeled list's; one left to the data is not checked."""
from pathlib import Path
from types import SimpleNamespace

import pytest
from torch import nn

from mmavssl.datasets import UnlabeledAVVideoDataset
from mmavssl.engine.hooks import DataModelCheckHook
from mmavssl.models.thresholds import FlexMatchThreshold


def runner_with(threshold: FlexMatchThreshold, tmp_path: Path) -> SimpleNamespace:
    """A runner whose train loader reads a 3-clip unlabeled list."""
    ann_file = tmp_path / 'unlabeled.txt'
    ann_file.write_text('a.mp4\nb.mp4\nc.mp4\n')
    dataset = UnlabeledAVVideoDataset(str(ann_file), pipeline=[])
    return SimpleNamespace(model=nn.ModuleDict(dict(threshold=threshold)),
                           train_dataloader=SimpleNamespace(dataset=dataset))


def test_typed_state_size_must_match_the_unlabeled_list(tmp_path: Path) -> None:
    runner = runner_with(FlexMatchThreshold(num_classes=4, num_unlabeled=5), tmp_path)
    with pytest.raises(ValueError, match='threshold.num_unlabeled=5 but .*unlabeled.txt lists 3 clips; set '
                                         'num_unlabeled=3'):
        DataModelCheckHook().before_train(runner)
    DataModelCheckHook().before_train(runner_with(FlexMatchThreshold(num_classes=4, num_unlabeled=3), tmp_path))


def test_state_left_to_the_data_is_not_checked(tmp_path: Path) -> None:
    # num_unlabeled=None: SemiIterBasedTrainLoop sizes it from the sampler before the hook runs
    DataModelCheckHook().before_train(runner_with(FlexMatchThreshold(num_classes=4), tmp_path))
