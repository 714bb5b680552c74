"""SemiIterBasedTrainLoop: resume by sampler skip (no decoding of skipped batches), bad-video counting, and no draws
from the global torch generator by the dataloader."""
from types import SimpleNamespace

import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.dataset import pseudo_collate
from mmengine.logging import MessageHub
from torch.utils.data import ConcatDataset, DataLoader, Dataset

from mmavssl.datasets import LabeledUnlabeledSampler
from mmavssl.engine.runner import SemiIterBasedTrainLoop


class Toy(Dataset):
    """Returns its offset index; records every fetch; index 3 of the unlabeled part reports a skip."""

    def __init__(self, n, offset, fetched):
        self.n, self.offset, self.fetched = n, offset, fetched

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        self.fetched.append(self.offset + i)
        ds = ActionDataSample(metainfo=dict(sample_idx=self.offset + i))
        if self.offset and i == 3:
            ds.set_metainfo(dict(bad_files=['broken.mp4']))
        return dict(inputs=[], data_samples=ds)


class Model:
    def __init__(self):
        self.seen = []

    def train(self):
        return self

    def train_step(self, data, optim_wrapper):
        self.seen.append([d.sample_idx for d in data['data_samples']])
        return {}


def make(max_iters, fetched):
    data = ConcatDataset([Toy(3, 0, fetched), Toy(20, 100, fetched)])
    sampler = LabeledUnlabeledSampler(data, 6, seed=0, rank=0, world_size=1)
    loader = DataLoader(data, batch_size=6, sampler=sampler, collate_fn=pseudo_collate)
    def call_hook(name, **kwargs):
        if name == 'before_train_epoch':  # what mmengine's DistSamplerSeedHook does, after the loop's skip
            sampler.set_epoch(0)

    runner = SimpleNamespace(model=Model(), optim_wrapper=None, val_loop=None, call_hook=call_hook,
                             visualizer=SimpleNamespace(), message_hub=MessageHub.get_instance('semi_loop_test'))
    return SemiIterBasedTrainLoop(runner, loader, max_iters=max_iters), runner


def test_resume_skips_in_the_sampler_and_matches_uninterrupted_run():
    fetched_full = []
    loop, runner = make(10, fetched_full)  # 4 batches per epoch -> crosses two epoch boundaries
    loop.run()
    full = runner.model.seen
    fetched = []
    resumed, runner2 = make(10, fetched)
    resumed._iter = 6
    resumed.run()
    assert runner2.model.seen == full[6:]
    assert len(fetched) == 4 * 6  # only the 4 trained batches were fetched (decoded)


@pytest.mark.parametrize('done', [0, 5])
def test_dataloader_iterators_leave_the_global_torch_generator_alone(done):
    # Each new iterator (start, resume at 5 = mid-epoch, two epoch boundaries) draws a worker base seed; from the
    # global generator that would shift the model's mixup draws of a resumed run against the uninterrupted one.
    loop, _ = make(10, [])
    loop._iter = done
    before = torch.get_rng_state()
    loop.run()
    assert torch.equal(torch.get_rng_state(), before)


def test_skipped_videos_counted_per_epoch():
    loop, runner = make(8, [])
    loop.run()
    assert {e: len(v) for e, v in loop.skipped.items()} == {0: 1, 1: 1}
    assert runner.message_hub.get_scalar('train/skipped_videos').current() == 1


def test_batch_size_mismatch_raises():
    data = ConcatDataset([Toy(3, 0, []), Toy(20, 100, [])])
    sampler = LabeledUnlabeledSampler(data, 6, seed=0, rank=0, world_size=1)
    runner = SimpleNamespace(visualizer=SimpleNamespace())
    with pytest.raises(ValueError, match='batch_size'):
        SemiIterBasedTrainLoop(runner, DataLoader(data, batch_size=4, sampler=sampler), max_iters=2)


def _loop_with(world_size, model, **loop_kwargs):
    data = ConcatDataset([Toy(8, 0, []), Toy(1196, 100, [])])
    sampler = LabeledUnlabeledSampler(data, 6, seed=0, rank=0, world_size=world_size)
    loader = DataLoader(data, batch_size=6, sampler=sampler, collate_fn=pseudo_collate)
    runner = SimpleNamespace(model=model, optim_wrapper=None, val_loop=None, call_hook=lambda *a, **k: None,
                             visualizer=SimpleNamespace(), message_hub=MessageHub.get_instance('semi_loop_size'))
    return SemiIterBasedTrainLoop(runner, loader, **loop_kwargs)


@pytest.mark.parametrize('world_size, expected', [(1, 2 * 240), (8, 2 * 30)])
def test_max_epochs_gives_iterations_from_the_sampler_and_world_size(world_size, expected):
    # 1196 unlabeled clips, 5 per process and step: ceil(1196 / 5) = 240 steps per pass, ceil(1196 / 40) = 30 on 8
    assert _loop_with(world_size, Model(), max_epochs=2).max_iters == expected
    assert _loop_with(world_size, Model(), max_epochs=0.5).max_iters == expected // 4
    with pytest.raises(ValueError, match='exactly one of max_iters and max_epochs'):
        _loop_with(world_size, Model(), max_iters=10, max_epochs=2)


def test_flexmatch_without_num_unlabeled_is_sized_from_the_sampler():
    from torch import nn
    from mmavssl.models.thresholds import FlexMatchThreshold
    model = nn.ModuleDict(dict(threshold=FlexMatchThreshold(num_classes=4)))
    with pytest.raises(RuntimeError, match='has not been sized'):
        model['threshold'](torch.full((2, 4), 0.25), torch.tensor([0, 1]))
    _loop_with(8, model, max_iters=3)  # the count is the dataset's, whatever the world size
    assert model['threshold'].num_unlabeled == 1196
    assert model['threshold'].selected_label.shape == (1196, ) and (model['threshold'].selected_label == -1).all()
    typed = nn.ModuleDict(dict(threshold=FlexMatchThreshold(num_classes=4, num_unlabeled=1195)))
    with pytest.raises(ValueError, match='has 1196 clips'):
        _loop_with(1, typed, max_iters=3)
