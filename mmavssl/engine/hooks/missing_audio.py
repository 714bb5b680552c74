"""``MissingAudioHook``: say how many clips had no audio stream and were trained or evaluated on silence."""
import logging
from typing import Dict, Optional, Set

from mmengine.hooks import Hook

from mmavssl.datasets import files_without_audio
from mmavssl.registry import HOOKS


@HOOKS.register_module()
class MissingAudioHook(Hook):
    """Count the clips whose file has no audio stream (metainfo ``audio_missing``, set by ``AVDecode`` with
    ``missing_audio='zeros'`` and by ``LocAudioDecode``).

    Such clips are used with a silent waveform and ``audio_valid=False``, which is right for a few odd files
    but hides a data-preparation mistake (audio stripped from a whole folder) if nobody is told.

    * Training: ``train/no_audio_clips`` is the number of distinct such files seen in the current sampler
      epoch (logged with the other scalars, beside ``train/skipped_videos``); each file is named in a warning
      the first time an epoch sees it.
    * Validation and test: the count and the first few files are logged at the end of every run of the loop
      (always for test, when non-zero for validation).

    Counts are per process (rank): each rank sees its own part of the data.
    """

    priority = 'NORMAL'

    def __init__(self) -> None:
        self._train: Dict[int, Set[str]] = {}
        self._eval: Set[str] = set()
        self._eval_clips = 0

    @staticmethod
    def _epoch(runner) -> int:
        """The sampler epoch of the training iterator (SemiIterBasedTrainLoop's or mmengine's)."""
        iterator = getattr(runner.train_loop, 'dataloader_iterator', None)
        return int(getattr(iterator, 'epoch', getattr(iterator, '_epoch', runner.epoch)))

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs: Optional[dict] = None) -> None:
        """Count this batch's files without audio in the current epoch."""
        epoch = self._epoch(runner)
        seen = self._train.setdefault(epoch, set())
        for path in files_without_audio(data_batch):
            if path not in seen:
                seen.add(path)
                runner.logger.warning(f'epoch {epoch}: {path} has no audio stream; training on it with silence '
                                      '(audio_valid=False)')
        runner.message_hub.update_scalar('train/no_audio_clips', len(seen))

    def _count(self, data_batch) -> None:
        self._eval.update(files_without_audio(data_batch))
        samples = data_batch.get('data_samples') if isinstance(data_batch, dict) else None
        self._eval_clips += len(samples) if isinstance(samples, list) else 0

    def _report(self, runner, mode: str, always: bool) -> None:
        missing, clips = sorted(self._eval), self._eval_clips
        self._eval, self._eval_clips = set(), 0
        if not missing and not always:
            return
        shown = ', '.join(missing[:5]) + (f' and {len(missing) - 5} more' if len(missing) > 5 else '')
        runner.logger.log(logging.WARNING if missing else logging.INFO,
                          f'{mode}: {len(missing)} of {clips} clips have no audio stream and were evaluated on '
                          f'silence{": " + shown if missing else ""}')

    def before_val_epoch(self, runner) -> None:
        """Start a fresh validation count."""
        self._eval, self._eval_clips = set(), 0

    before_test_epoch = before_val_epoch

    def after_val_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        """Count this validation batch."""
        self._count(data_batch)

    def after_test_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        """Count this test batch."""
        self._count(data_batch)

    def after_val_epoch(self, runner, metrics: Optional[dict] = None) -> None:
        """Report the validation count when some clips had no audio."""
        self._report(runner, 'val', always=False)

    def after_test_epoch(self, runner, metrics: Optional[dict] = None) -> None:
        """Report the test count."""
        self._report(runner, 'test', always=True)
