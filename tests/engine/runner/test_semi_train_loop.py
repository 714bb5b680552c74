"""SemiIterBasedTrainLoop: resume by sampler skip (no decoding of skipped batches), bad-video counting, no draws
from the global torch generator by the dataloader, and a length, intervals and schedule derived from the data."""
import copy
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.dataset import pseudo_collate
from mmengine.hooks import CheckpointHook
from mmengine.logging import MessageHub
from torch.utils.data import ConcatDataset, DataLoader, Dataset

from mmavssl.datasets import LabeledUnlabeledSampler
from mmavssl.engine.runner import SemiIterBasedTrainLoop
from mmavssl.engine.runner.semi_train_loop import resolve_schedule_fractions

from toolbox_testing import toy_runner


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

    runner = SimpleNamespace(model=Model(), optim_wrapper=None, val_loop=None, call_hook=call_hook, hooks=[],
                             param_schedulers=None, visualizer=SimpleNamespace(),
                             message_hub=MessageHub.get_instance('semi_loop_test'))
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


def _loop_with(world_size, model, hooks=(), param_schedulers=None, **loop_kwargs):
    """A loop over 8 labeled and 1196 unlabeled clips, 1 + 5 per batch, as rank 0 of ``world_size``."""
    data = ConcatDataset([Toy(8, 0, []), Toy(1196, 100, [])])
    sampler = LabeledUnlabeledSampler(data, 6, seed=0, rank=0, world_size=world_size)
    loader = DataLoader(data, batch_size=6, sampler=sampler, collate_fn=pseudo_collate)
    runner = SimpleNamespace(model=model, optim_wrapper=None, val_loop=None, call_hook=lambda *a, **k: None,
                             hooks=list(hooks), param_schedulers=param_schedulers, visualizer=SimpleNamespace(),
                             message_hub=MessageHub.get_instance('semi_loop_size'))
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


PAPER_SCHEDULE = [dict(type='MultiStepLR', by_epoch=False, begin=0, end=1.0, milestones=[0.84, 0.94], gamma=0.1)]


@pytest.mark.parametrize('world_size, max_iters, milestones, tenth', [(1, 480, [403, 451], 48), (8, 60, [50, 56], 6)])
def test_fractions_of_training_become_iterations_of_this_world_size(world_size, max_iters, milestones, tenth):
    # 2 passes over 1196 unlabeled clips at 5 per process and step: 2 * ceil(1196 / (5 * world_size)) iterations
    checkpoint = CheckpointHook(interval=0.1, by_epoch=False)
    cosine = dict(type='CosineAnnealingLR', by_epoch=False, begin=0.5, end=1.0, T_max=0.5, eta_min=0.5)
    loop = _loop_with(world_size, Model(), hooks=[checkpoint], param_schedulers=PAPER_SCHEDULE + [cosine],
                      max_epochs=2, val_interval=0.1)
    assert loop.max_iters == max_iters
    assert loop.val_interval == tenth and checkpoint.interval == tenth
    multistep, cosine_iters = loop.runner.param_schedulers
    assert multistep == dict(PAPER_SCHEDULE[0], end=max_iters, milestones=milestones)
    # eta_min is a float in (0, 1] too, but not a point in training
    assert cosine_iters == dict(cosine, begin=max_iters // 2, end=max_iters, T_max=max_iters // 2)


def test_fractions_resolve_for_every_optimizer():
    schedulers = dict(student=PAPER_SCHEDULE, teacher=[dict(PAPER_SCHEDULE[0], milestones=[10])])
    resolved = resolve_schedule_fractions(schedulers, 100)
    assert resolved == dict(student=[dict(PAPER_SCHEDULE[0], end=100, milestones=[84, 94])],
                            teacher=[dict(PAPER_SCHEDULE[0], end=100, milestones=[10])])


@pytest.mark.parametrize('settings, message', [
    (dict(param_schedulers=[dict(PAPER_SCHEDULE[0], milestones=[0.84, 1.5])]),
     r'MultiStepLR.milestones=1.5 is a float outside \(0, 1\]; give a fraction of training or an iteration count'),
    (dict(val_interval=0.0), r'train_cfg.val_interval=0.0 is a float outside \(0, 1\]'),
    (dict(hooks=[CheckpointHook(interval=2.5, by_epoch=False)]), r'CheckpointHook.interval=2.5 is a float outside'),
    (dict(param_schedulers=[dict(type='MultiStepLR', milestones=[0.5])]),
     'MultiStepLR.milestones=0.5 is a fraction of training, which counts iterations: set by_epoch=False'),
])
def test_fractions_out_of_range_or_counting_epochs_are_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        _loop_with(1, Model(), max_epochs=2, **settings)


def test_max_iters_leaves_the_schedule_alone_and_refuses_fractions():
    schedule = [dict(type='MultiStepLR', by_epoch=False, begin=0, end=100, milestones=[84, 94], gamma=0.1)]
    checkpoint = CheckpointHook(interval=10, by_epoch=False)
    loop = _loop_with(1, Model(), hooks=[checkpoint], param_schedulers=copy.deepcopy(schedule), max_iters=100,
                      val_interval=10)
    assert (loop.max_iters, loop.val_interval, checkpoint.interval) == (100, 10, 10)
    assert loop.runner.param_schedulers == schedule
    # mmengine would read 0.84 as iteration 0.84, which training never reaches
    with pytest.raises(ValueError, match='MultiStepLR.end=1.0 is a fraction of training, which needs '
                                         'train_cfg.max_epochs'):
        _loop_with(1, Model(), param_schedulers=PAPER_SCHEDULE, max_iters=100)


def test_runner_builds_the_loop_before_the_schedulers(tmp_path: Path):
    # mmengine's Runner.train() registers the hooks, builds the train loop, then the param schedulers: the loop's
    # rewrite of the scheduler and checkpoint configs is what a real run trains with.
    labeled, unlabeled = (dict(type='ToyAVDataset', num_samples=n, num_classes=4, seed=0) for n in (2, 40))
    runner = toy_runner(tmp_path, {
        'train_dataloader': dict(_delete_=True, batch_size=6, num_workers=0,
                                 dataset=dict(type='ConcatDataset', datasets=[labeled, unlabeled]),
                                 sampler=dict(type='LabeledUnlabeledSampler', batch_size=6, mu=5, seed=0)),
        'train_cfg': dict(_delete_=True, type='SemiIterBasedTrainLoop', max_epochs=2.5, val_interval=1.0),
        'param_scheduler': PAPER_SCHEDULE, 'default_hooks.checkpoint.interval': 0.5})
    runner.train()
    # 2.5 passes over 40 clips at 5 per step: 20 iterations, lr x0.1 at iterations 17 and 19, a checkpoint every 10
    assert runner.iter == 20
    assert dict(runner.param_schedulers[0].milestones) == {17: 1, 19: 1} and runner.param_schedulers[0].end == 20
    assert sorted(p.name for p in tmp_path.glob('iter_*.pth')) == ['iter_10.pth', 'iter_20.pth']
