"""configs/synthetic/asl_flexmatch_1shot.py (the paper's method, FlexMatch) through mmengine's Runner on a tiny generated set: the real components (tiny
divided VideoViT, AudioEncoder, FusionHead, FNACLocalizer, MultiBranchAV + multi_branch_collate +
LabeledUnlabeledSampler + SemiIterBasedTrainLoop, EMATeacherHook, TeacherStudentValLoop), and exact resume, without
and with dataloader workers."""
import itertools
from pathlib import Path
from typing import Optional

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmavssl.synthetic import SyntheticAVConfig, generate_dataset
from mmavssl.registry import DATASETS

CONFIG = Path(__file__).resolve().parents[3] / 'configs' / 'synthetic' / 'asl_flexmatch_1shot.py'
_RUN_IDS = itertools.count()


@pytest.fixture(scope='module')
def tiny_root(tmp_path_factory) -> Path:
    """2 classes, 4 training clips each (1 labeled + 3 unlabeled per class), 1 s at 32^2."""
    root = tmp_path_factory.mktemp('semi_synth')
    generate_dataset(str(root), SyntheticAVConfig(num_shapes=2, num_timbres=1, train_per_class=4, val_per_class=1,
                                                  test_per_class=1, width=32, height=32, duration=1.0, shots=(1,)))
    return root


def tiny_cfg(root: Path, work_dir: Path, max_iters: int, num_workers: int = 0) -> Config:
    """asl_flexmatch_1shot.py on ``root``: 2 classes, checkpoints every 2 iterations, validation at the end; no workers, or
    ``num_workers`` persistent training workers as the shipped configs have (validation and test have none)."""
    cfg = Config.fromfile(str(CONFIG))
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'semi_runner_{next(_RUN_IDS)}'
    cfg.log_level = 'WARNING'
    lists = {'labeled': 'train_labeled_1shot.txt', 'unlabeled': 'train_unlabeled_1shot.txt'}
    for dataset, ann in zip(cfg.train_dataloader.dataset.datasets, lists.values()):
        dataset.update(ann_file=str(root / ann), data_prefix=dict(video=str(root)),
                       classes_file=str(root / 'classes.txt'))
    for key, ann in [('val_dataloader', 'val.txt'), ('test_dataloader', 'test.txt')]:
        cfg[key].dataset.update(ann_file=str(root / ann), data_prefix=dict(video=str(root)),
                                classes_file=str(root / 'classes.txt'))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].update(num_workers=0, persistent_workers=False)
    cfg.train_dataloader.update(num_workers=num_workers, persistent_workers=num_workers > 0)
    num_unlabeled = len((root / lists['unlabeled']).read_text().splitlines())
    cfg.model.recognizer.cls_head.num_classes = 2
    # p_cutoff 0.3 (the paper's value): with 2 classes every top probability passes it, which the tests count on
    cfg.model.threshold.update(num_classes=2, num_unlabeled=num_unlabeled, p_cutoff=0.3)
    cfg.train_cfg.update(max_iters=max_iters, val_interval=max_iters)
    cfg.default_hooks.checkpoint.interval = 2
    cfg.default_hooks.logger.interval = 1
    return cfg


def state(runner: Runner) -> dict:
    """Student, teacher and FlexMatch state of a runner's model (cloned)."""
    return {k: v.detach().clone() for k, v in runner.model.state_dict().items()
            if k.startswith(('student.', 'teacher.', 'threshold.'))}


def test_strong_branch_carries_loc_audios(tiny_root: Path, tmp_path: Path) -> None:
    cfg = tiny_cfg(tiny_root, tmp_path, 2)
    init_default_scope('mmavssl')
    unlabeled = DATASETS.build(cfg.train_dataloader.dataset.datasets[1])
    sample = unlabeled[0]
    assert sample['inputs']['sup'] is None
    # The localizer's spectrogram (configs/localizer/fnac_r18_synthetic.py): 0.3 s at 16 kHz, nperseg 128 without
    # overlap -> 65 bins x 37 frames.
    assert sample['inputs']['unsup_strong']['loc_audios'].shape == (1, 1, 65, 37)
    assert 'loc_audios' not in sample['inputs']['unsup_weak']
    assert sample['data_samples']['unsup_strong'].sample_idx == 0


class _Capture(Hook):
    """Records the model state when training starts (after resume)."""

    priority = 'LOWEST'

    def before_train(self, runner) -> None:
        self.state = state(runner)


@pytest.fixture(scope='module')
def runs(tiny_root: Path, tmp_path_factory) -> dict:
    """4 iterations straight; 2 iterations, then a new Runner resuming from iter_2.pth for 2 more."""
    work = tmp_path_factory.mktemp('semi_runs')
    straight = Runner.from_cfg(tiny_cfg(tiny_root, work / 'straight', 4))
    straight.train()
    first = Runner.from_cfg(tiny_cfg(tiny_root, work / 'split', 2))
    first.train()
    at_2 = state(first)
    cfg = tiny_cfg(tiny_root, work / 'split', 4)
    cfg.resume = True
    cfg.load_from = str(work / 'split' / 'iter_2.pth')
    resumed = Runner.from_cfg(cfg)
    capture = _Capture()
    resumed.register_hook(capture)
    resumed.train()
    return dict(straight=straight, first=first, at_2=at_2, resumed=resumed, resumed_start=capture.state)


@pytest.mark.slow
def test_semi_runner_trains_validates_and_tests(runs: dict) -> None:
    runner = runs['first']
    model = runner.model
    assert runner.iter == 2  # its iter_2.pth fed the resumed run (and was rotated out by max_keep_ckpts=1)
    # The teacher moved by EMA from the (copied) initial student but is not the student.
    flat = lambda m: torch.cat([p.detach().flatten() for p in m.parameters()])  # noqa: E731
    assert not torch.equal(flat(model.teacher), flat(model.student))
    # Two steps of 5 unlabeled clips cover all 6; with 2 classes every top probability passes p_cutoff 0.3.
    assert int((runs['at_2']['threshold.selected_label'] >= 0).sum()) == 6
    scalars = runner.message_hub.log_scalars
    for key in ('train/loss_sup', 'train/loss_unsup', 'train/loss_mix', 'train/loss_con', 'train/mask_ratio'):
        assert key in scalars, key
    assert 0.0 < scalars['train/lam'].current() < 1.0
    assert {'teacher/acc/top1', 'student/acc/top1'} <= set(runner.val_loop.run())
    assert 0.0 <= runner.test()['acc/top1'] <= 1.0


@pytest.mark.slow
def test_resume_restores_teacher_threshold_and_sampler(runs: dict) -> None:
    # Resume restored teacher, student and FlexMatch's selected_label exactly ...
    assert runs['resumed_start'].keys() == runs['at_2'].keys()
    for key, value in runs['at_2'].items():
        assert torch.equal(runs['resumed_start'][key], value), key
    # ... and the last two iterations saw the same batches (sampler position) and random draws (RNGStateHook)
    # as the uninterrupted run, so every weight and FlexMatch's state match exactly.
    final, reference = state(runs['resumed']), state(runs['straight'])
    assert runs['resumed'].iter == 4 and 'threshold.selected_label' in final
    for key, value in reference.items():
        assert torch.equal(final[key], value), key


def assert_same(got, expected, where: str = '') -> None:
    """``got`` equals ``expected`` exactly: nested dicts and lists of tensors (``torch.equal``) and plain values."""
    if isinstance(expected, dict):
        assert got.keys() == expected.keys(), where
        for key in expected:
            assert_same(got[key], expected[key], f'{where}.{key}')
    elif isinstance(expected, (list, tuple)):
        assert len(got) == len(expected), where
        for i, (a, b) in enumerate(zip(got, expected)):
            assert_same(a, b, f'{where}[{i}]')
    elif isinstance(expected, torch.Tensor):
        assert torch.equal(got, expected), where
    else:
        assert got == expected, where


def train_with_workers(root: Path, work_dir: Path, max_iters: int, resume_from: Optional[Path] = None) -> Runner:
    """Train with 2 workers, validation every 2 iterations (which must not disturb the training draws) and a
    checkpoint after every iteration (the last two kept)."""
    cfg = tiny_cfg(root, work_dir, max_iters, num_workers=2)
    cfg.train_cfg.val_interval = 2
    cfg.default_hooks.checkpoint.update(interval=1, max_keep_ckpts=2)
    # Serialising a dataset's list (for workers to share) runs gc.collect, about a second each; these are tiny.
    for dataset in [*cfg.train_dataloader.dataset.datasets, cfg.val_dataloader.dataset]:
        dataset.serialize_data = False
    if resume_from is not None:
        cfg.update(resume=True, load_from=str(resume_from))
    with pytest.MonkeyPatch.context() as patch:
        # The Runner formats the whole config with yapf (about 3 s) for its log, its vis_data copy and every
        # checkpoint's meta, none of which this test reads; the raw text does for those.
        patch.setattr(Config, 'pretty_text', property(lambda self: self.text))
        runner = Runner.from_cfg(cfg)
        runner.train()
    return runner


@pytest.fixture(scope='module')
def worker_runs(tiny_root: Path, tmp_path_factory) -> dict:
    """3 uninterrupted iterations with 2 workers (2 batches per epoch), and a run stopped after 2 iterations
    whose checkpoints iter_1.pth (mid-epoch) and iter_2.pth (epoch boundary) the test resumes from."""
    straight = train_with_workers(tiny_root, tmp_path_factory.mktemp('straight_workers'), 3)
    stopped = tmp_path_factory.mktemp('stopped_workers')
    train_with_workers(tiny_root, stopped, 2)
    return dict(model=state(straight), optimizer=straight.optim_wrapper.state_dict(), stopped=stopped)


@pytest.mark.slow
@pytest.mark.parametrize('stop', [1, 2], ids=['mid_epoch', 'epoch_boundary'])
def test_resume_with_workers_equals_uninterrupted_run(tiny_root: Path, tmp_path: Path, worker_runs: dict,
                                                      stop: int) -> None:
    # A new Runner resuming from the stopped run's checkpoint: fresh workers that never decoded the skipped
    # batches, a new dataloader iterator, and (from iter_2.pth) no validation at iteration 2.
    resumed = train_with_workers(tiny_root, tmp_path, 3, resume_from=worker_runs['stopped'] / f'iter_{stop}.pth')
    assert resumed.iter == 3
    # Same augmentations (seeded per sample from the sampler position), the same mixup draws (RNGStateHook, which
    # also keeps validation out of the stream), so exactly the same student, teacher, FlexMatch state and AdamW
    # moments.
    assert_same(state(resumed), worker_runs['model'], 'model')
    assert_same(resumed.optim_wrapper.state_dict(), worker_runs['optimizer'], 'optimizer')


@pytest.mark.parametrize('key,value,message', [
    ('num_unlabeled', 7, r'built for num_unlabeled=7 but the unlabeled dataset has 6 clips; set '
                         r'num_unlabeled=None'),
    ('num_classes', 3, r'num_classes=3 but \S+classes.txt lists 2 classes; set num_classes=2')])
def test_model_sizes_must_match_the_dataset_files(tiny_root: Path, tmp_path: Path, key: str, value: int,
                                                   message: str) -> None:
    cfg = tiny_cfg(tiny_root, tmp_path, 2)
    if key == 'num_classes':
        cfg.model.recognizer.cls_head.num_classes = value
    cfg.model.threshold[key] = value
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError, match=message):
        runner.train()
    assert not list(tmp_path.glob('*.pth'))
