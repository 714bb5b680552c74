"""``AtomicCheckpointHook``: mmengine's ``CheckpointHook`` whose saves cannot destroy the last good checkpoint."""
import os
import os.path as osp
import re
from typing import Any, Callable, List

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from mmavssl.registry import HOOKS
from mmavssl.utils.atomic_io import ATOMIC_BACKEND, TMP_MARK, atomic_write


class _DeferredRemoval:
    """A file backend stand-in that records ``remove``/``rmtree`` calls instead of running them."""

    def __init__(self, backend: Any, pending: List[Callable[[], None]], paths: List[str]) -> None:
        self._backend, self._pending, self._paths = backend, pending, paths

    def remove(self, path: str) -> None:
        self._paths.append(path)
        self._pending.append(lambda: self._backend.remove(path))

    def rmtree(self, path: str) -> None:
        self._paths.append(path)
        self._pending.append(lambda: self._backend.rmtree(path))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """``CheckpointHook`` (same arguments) with crash-safe saving.

    mmengine 0.10.7 deletes the oldest checkpoint (and the previous best) *before* writing the new one in place
    and updates ``last_checkpoint`` last, so a crash, SIGKILL or full disk during the write leaves a torn file,
    no older one, and ``last_checkpoint`` naming a deleted file. This hook instead

    1. writes every checkpoint to a hidden temporary file in the same folder, fsyncs it and renames it into
       place (``backend='atomic_local'`` of :mod:`mmavssl.utils.atomic_io`), when the checkpoints are local and
       no other file backend was configured;
    2. then replaces ``last_checkpoint`` the same way;
    3. only then deletes checkpoints that ``max_keep_ckpts`` (or a better ``save_best`` score) made obsolete.

    A failed write raises ``OSError`` naming the checkpoint and the checkpoint ``last_checkpoint`` still names.
    Temporary files left by a killed process are removed before training starts.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        local = self.out_dir is None or '://' not in str(self.out_dir)
        if local and self.backend_args is None and self.file_client_args is None:
            self.backend_args = dict(backend=ATOMIC_BACKEND)

    def before_train(self, runner) -> None:
        """Set up as mmengine does, then remove temporary files of saves that were interrupted."""
        super().before_train(runner)
        if not is_main_process() or self.backend_args != dict(backend=ATOMIC_BACKEND):
            return
        stale = re.compile(rf'^\..+{re.escape(TMP_MARK)}\d+$')
        for folder in {self.out_dir, runner.work_dir}:
            for name in sorted(os.listdir(folder)) if osp.isdir(folder) else []:
                if stale.match(name):
                    os.remove(osp.join(folder, name))
                    runner.logger.warning(f'Removed {osp.join(folder, name)}, left by an interrupted checkpoint '
                                          'save (the checkpoints themselves are intact).')

    def _save_checkpoint_with_step(self, runner, step: int, meta: dict) -> None:
        """Save ``iter_{step}``/``epoch_{step}``, point ``last_checkpoint`` at it, then drop the outdated one."""
        outdated = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                outdated.append(self.file_backend.join_path(
                    self.out_dir, self.filename_tmpl.format(self.keep_ckpt_ids.popleft())))
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))

        previous = self.last_ckpt
        self.last_ckpt = self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(step))
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        try:
            runner.save_checkpoint(self.out_dir, self.filename_tmpl.format(step), self.file_client_args,
                                   save_optimizer=self.save_optimizer,
                                   save_param_scheduler=self.save_param_scheduler, meta=meta,
                                   by_epoch=self.by_epoch, backend_args=self.backend_args, **self.args)
        except OSError as err:
            raise OSError(err.errno, f'Saving checkpoint {self.last_ckpt} failed ({err.strerror or err}). '
                          f'last_checkpoint still names {previous or "no checkpoint"}, which is intact: free '
                          'space (or fix the folder) and rerun with --resume.', self.last_ckpt) from err

        # Model-parallel strategies gather shards on every rank; only the main process owns the files.
        if not is_main_process():
            return
        atomic_write(osp.join(runner.work_dir, 'last_checkpoint'), self.last_ckpt)
        for path in outdated:
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
            elif self.file_backend.isdir(path):  # DeepSpeed checkpoints are folders
                self.file_backend.rmtree(path)

    def _save_best_checkpoint(self, runner, metrics: dict) -> None:
        """mmengine's best-checkpoint logic, with the previous best deleted only after the new one is saved."""
        backend, pending, removed = self.file_backend, [], []
        self.file_backend = _DeferredRemoval(backend, pending, removed)
        try:
            super()._save_best_checkpoint(runner, metrics)
        finally:
            self.file_backend = backend
        keep = {getattr(self, 'best_ckpt_path', None), self.last_ckpt,
                *getattr(self, 'best_ckpt_path_dict', {}).values()}
        for path, remove in zip(removed, pending):
            if path not in keep:
                remove()
