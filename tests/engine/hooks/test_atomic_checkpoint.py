"""A save that is killed or hits a full disk leaves a work dir that resumes (AtomicCheckpointHook).

The toy run keeps one checkpoint (``max_keep_ckpts=1``) and saves at iterations 4 and 8, so the save of
``iter_8.pth`` is the one that could destroy ``iter_4.pth``, the only good checkpoint.
"""
import builtins
import errno
import os
import subprocess
from pathlib import Path

import pytest
from mmengine.hooks import CheckpointHook, Hook

from mmavssl.utils import safe_torch_load

from toolbox_testing import REPO_ROOT, run_python, runner_log, toy_runner

KEEP_ONE = {'default_hooks.checkpoint.interval': 4, 'default_hooks.checkpoint.max_keep_ckpts': 1}

# Run in a child python: the toy run, where writing iter_8.pth dies by SIGKILL half way through the bytes.
KILLED_DURING_SAVE = '''
import builtins, os, signal, sys
from toolbox_testing import toy_runner
real_open = builtins.open

class HalfThenDie:
    def __init__(self, f): self.f = f
    def write(self, data):
        self.f.write(data[:len(data) // 2]); self.f.flush(); os.kill(os.getpid(), signal.SIGKILL)
    def __getattr__(self, name): return getattr(self.f, name)
    def __enter__(self): return self
    def __exit__(self, *exc): return self.f.__exit__(*exc)

def dying_open(file, mode='r', *args, **kwargs):
    f = real_open(file, mode, *args, **kwargs)
    return HalfThenDie(f) if 'iter_8.pth' in str(file) and 'w' in mode else f

builtins.open = dying_open
toy_runner(sys.argv[1], {'default_hooks.checkpoint.interval': 4,
                         'default_hooks.checkpoint.max_keep_ckpts': 1}).train()
'''


def _assert_resumable(work_dir: Path, ckpt_dir: Path) -> None:
    """``last_checkpoint`` names the intact ``iter_4.pth``, and resuming from it finishes the run."""
    last = Path((work_dir / 'last_checkpoint').read_text())
    assert last == ckpt_dir / 'iter_4.pth' and last.is_file()
    assert safe_torch_load(last)['meta']['iter'] == 4
    assert not (ckpt_dir / 'iter_8.pth').exists()


def _resume_to_the_end(work_dir: Path, options: dict) -> None:
    runner = toy_runner(work_dir, {**KEEP_ONE, **options, 'resume': True})
    runner.train()
    assert 'resumed epoch: 0, iter: 4' in runner_log(runner)
    assert runner.iter == 8
    ckpt_dir = Path(options.get('default_hooks.checkpoint.out_dir', work_dir))
    ckpt_dir = ckpt_dir / work_dir.name if ckpt_dir != work_dir else ckpt_dir
    assert sorted(p.name for p in ckpt_dir.glob('*.pth')) == ['iter_8.pth']
    assert not [p for p in ckpt_dir.iterdir() if '.tmp-' in p.name]
    assert Path((work_dir / 'last_checkpoint').read_text()) == ckpt_dir / 'iter_8.pth'


@pytest.mark.slow
def test_sigkill_during_save_leaves_resumable_work_dir(tmp_path: Path) -> None:
    work_dir = tmp_path / 'work'
    done = run_python(['-c', KILLED_DURING_SAVE, work_dir], cwd=REPO_ROOT)
    assert done.returncode == -9, done.stderr[-3000:]
    _assert_resumable(work_dir, work_dir)
    leftovers = [p.name for p in work_dir.iterdir() if '.tmp-' in p.name]
    assert len(leftovers) == 1 and leftovers[0].startswith('.iter_8.pth.tmp-'), leftovers
    _resume_to_the_end(work_dir, {})


class _HalfThenFull:
    """A file whose write stores half the bytes and then fails as a full disk does."""

    def __init__(self, f) -> None:
        self.f = f

    def write(self, data: bytes) -> None:
        self.f.write(data[:len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str):
        return getattr(self.f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.f.__exit__(*exc)


def _fill_disk_on(monkeypatch: pytest.MonkeyPatch, name_part: str) -> None:
    """Make every write of a file whose path contains ``name_part`` fail with ENOSPC half way."""
    real_open = builtins.open

    def full_disk_open(file, mode='r', *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        return _HalfThenFull(f) if name_part in str(file) and 'w' in mode else f

    monkeypatch.setattr(builtins, 'open', full_disk_open)


def test_injected_enospc_names_the_path_and_keeps_the_previous_checkpoint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work_dir = tmp_path / 'work'
    with monkeypatch.context() as patch:
        _fill_disk_on(patch, 'iter_8.pth')
        with pytest.raises(OSError) as info:
            toy_runner(work_dir, KEEP_ONE).train()
    assert info.value.errno == errno.ENOSPC
    assert str(work_dir / 'iter_8.pth') in str(info.value) and 'iter_4.pth' in str(info.value)
    _assert_resumable(work_dir, work_dir)
    assert not [p for p in work_dir.iterdir() if '.tmp-' in p.name]
    _resume_to_the_end(work_dir, {})


def test_failed_best_save_keeps_the_previous_best(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = toy_runner(tmp_path, {'default_hooks.checkpoint.save_best': 'acc/top1'})
    runner.train()
    hook = next(h for h in runner.hooks if isinstance(h, CheckpointHook))
    best = Path(hook.best_ckpt_path)
    saved = best.read_bytes()
    with monkeypatch.context() as patch:
        _fill_disk_on(patch, 'best_acc_top1')
        with pytest.raises(OSError, match='best_acc_top1'):
            hook._save_best_checkpoint(runner, {'acc/top1': 2.0})  # better than any real accuracy
    assert best.read_bytes() == saved
    assert 'state_dict' in safe_torch_load(best)


class _FillDisk(Hook):
    """After the iteration-4 checkpoint is saved, fill the checkpoint filesystem up."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if runner.iter + 1 != 4:
            return
        with open(self.folder / 'filler', 'wb', buffering=0) as f:
            try:
                while True:
                    f.write(b'\0' * 4096)
            except OSError:  # the disk is full now
                pass


@pytest.fixture
def small_tmpfs(tmp_path: Path):
    """A 1 MiB tmpfs (root only; skipped where mounting is not allowed)."""
    mount = tmp_path / 'tmpfs'
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip('mounting a tmpfs needs root and the mount capability')
    yield mount
    subprocess.run(['umount', str(mount)], check=True)


def test_real_full_disk_keeps_the_previous_checkpoint(tmp_path: Path, small_tmpfs: Path) -> None:
    work_dir = tmp_path / 'work'
    options = {**KEEP_ONE, 'default_hooks.checkpoint.out_dir': str(small_tmpfs)}
    runner = toy_runner(work_dir, options)
    runner.register_hook(_FillDisk(small_tmpfs / 'work'), priority='LOWEST')
    with pytest.raises(OSError) as info:
        runner.train()
    assert info.value.errno == errno.ENOSPC and str(small_tmpfs / 'work' / 'iter_8.pth') in str(info.value)
    _assert_resumable(work_dir, small_tmpfs / 'work')
    (small_tmpfs / 'work' / 'filler').unlink()
    _resume_to_the_end(work_dir, options)
