"""``SemiIterBasedTrainLoop``: iteration-based training that resumes by telling the sampler to skip."""
import logging
import math
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.logging import print_log
from mmengine.runner import IterBasedTrainLoop
from torch.utils.data import DataLoader

from mmavssl.datasets.av_dataset import count_bad_files
from mmavssl.registry import LOOPS


class _EpochIterator:
    """Endless iterator over a dataloader that tracks the sampler epoch and can jump to any batch.

    Unlike mmengine's ``_InfiniteDataloaderIterator`` it is lazy (no workers start until the first batch)
    and ``skip(n)`` moves a sampler with ``set_epoch(epoch, start_batch)`` and ``batches_per_epoch`` without
    decoding the skipped batches.
    """

    def __init__(self, dataloader: DataLoader) -> None:
        self.dataloader = dataloader
        self.sampler = _sampler_of(dataloader)
        self.epoch = 0
        self._iterator = None
        self._fast_forward = 0
        self._start_batch: Optional[int] = None

    def can_skip(self) -> bool:
        """Whether the sampler supports skipping without decoding."""
        return hasattr(self.sampler, 'batches_per_epoch') and hasattr(self.sampler, 'set_epoch')

    def skip(self, num_batches: int) -> None:
        """Position the iterator ``num_batches`` batches after the start of training.

        Args:
            num_batches: Batches already trained on.
        """
        self.epoch, self._start_batch = divmod(num_batches, self.sampler.batches_per_epoch)
        self._iterator = None
        # mmengine's run() then calls next() num_batches times to fast-forward; answer those without data.
        self._fast_forward = num_batches

    def __iter__(self) -> '_EpochIterator':
        return self

    def __next__(self) -> Union[dict, list, None]:
        if self._fast_forward:
            self._fast_forward -= 1
            return None
        if self._iterator is None:
            if self._start_batch is not None:
                # Positioned here, not in skip(): mmengine's DistSamplerSeedHook calls set_epoch(0) in
                # before_train_epoch, after skip() and before the first batch, which would undo the skip.
                self.sampler.set_epoch(self.epoch, self._start_batch)
                self._start_batch = None
            self._iterator = iter(self.dataloader)
        try:
            return next(self._iterator)
        except StopIteration:
            self.epoch += 1
            if hasattr(self.sampler, 'set_epoch'):
                self.sampler.set_epoch(self.epoch)
            self._iterator = iter(self.dataloader)
            return next(self._iterator)


def _sampler_of(dataloader: DataLoader):
    """The index sampler of a dataloader (inside its batch sampler when there is one)."""
    return dataloader.batch_sampler.sampler if dataloader.batch_sampler else dataloader.sampler


def iters_for_epochs(sampler, max_epochs: float) -> int:
    """Training iterations of ``max_epochs`` passes over the unlabeled set, on this world size.

    Args:
        sampler: A sampler with ``batches_per_epoch`` (per process: ``LabeledUnlabeledSampler`` divides the
            unlabeled set over ``world_size`` processes).
        max_epochs: Passes over the unlabeled set (may be fractional).

    Returns:
        ``ceil(max_epochs * batches_per_epoch)``.

    Raises:
        ValueError: If the sampler does not know its epoch length.
    """
    if not hasattr(sampler, 'batches_per_epoch'):
        raise ValueError(f'max_epochs needs a sampler that knows its epoch length (LabeledUnlabeledSampler); '
                         f'{type(sampler).__name__} does not: give max_iters instead')
    return math.ceil(max_epochs * sampler.batches_per_epoch)


def size_unlabeled_state(model, sampler) -> None:
    """Give every submodule that keeps per-unlabeled-clip state (``set_num_unlabeled``) the sampler's count.

    Args:
        model: The (possibly wrapped) model.
        sampler: The training sampler; without ``num_unlabeled_total`` nothing is sized.
    """
    count = getattr(sampler, 'num_unlabeled_total', None)
    if count is None or not isinstance(model, torch.nn.Module):
        return
    for module in model.modules():
        if hasattr(module, 'set_num_unlabeled'):
            module.set_num_unlabeled(count)


@LOOPS.register_module()
class SemiIterBasedTrainLoop(IterBasedTrainLoop):
    """mmengine's ``IterBasedTrainLoop`` with sampler-side resume and bad-video accounting.

    * Resume: mmengine advances the dataloader ``iter`` times, decoding every skipped video; this loop calls
      ``sampler.set_epoch(epoch, start_batch)`` instead (``LabeledUnlabeledSampler``), so resuming costs
      nothing and yields exactly the batches an uninterrupted run would have seen. Samplers without that API
      fall back to mmengine's behaviour with a warning.
    * Bad data: videos the dataset skipped (metainfo ``bad_files``) are counted per sampler epoch and logged
      as ``train/skipped_videos`` (this epoch, all ranks' own counts) with a warning naming each file.
    * Checks that the dataloader ``batch_size`` equals the sampler's, so that batches keep the 1 : mu split.
    * Gives the dataloader a private ``torch.Generator`` (unless it has one): a new DataLoader iterator, which
      this loop makes at the start, at every epoch and once more on resume (without persistent workers), draws
      the workers' base seed from it, by default from the global torch generator that the model's mixup draws
      come from, so a resumed run would draw them shifted. The base seed itself does not reach the data:
      mmengine's ``worker_init_fn`` re-seeds each worker and ``LabeledUnlabeledSampler``'s indices seed each
      sample.
    * Derives sizes from the data instead of the config: ``max_epochs`` (passes over the unlabeled set) gives
      the iteration count from the sampler's epoch length on this world size, and a threshold built with
      ``num_unlabeled=None`` is sized with the sampler's unlabeled count before any checkpoint loads.

    Args:
        runner: The runner.
        dataloader: Training dataloader or its config.
        max_iters: Training iterations; or
        max_epochs: Passes over the unlabeled set (exactly one of the two).
        **kwargs: ``val_begin``, ``val_interval``, ``dynamic_intervals`` of
            :class:`mmengine.runner.IterBasedTrainLoop`.
    """

    def __init__(self, runner, dataloader: Union[DataLoader, dict], max_iters: Optional[int] = None,
                 max_epochs: Optional[float] = None, **kwargs) -> None:
        if (max_iters is None) == (max_epochs is None):
            raise ValueError(f'SemiIterBasedTrainLoop needs exactly one of max_iters and max_epochs, got '
                             f'max_iters={max_iters}, max_epochs={max_epochs}')
        if isinstance(dataloader, dict):
            diff_rank_seed = runner._randomness_cfg.get('diff_rank_seed', False)
            dataloader = runner.build_dataloader(dataloader, seed=runner.seed, diff_rank_seed=diff_rank_seed)
        if max_epochs is not None:
            max_iters = iters_for_epochs(_sampler_of(dataloader), max_epochs)
        super().__init__(runner, dataloader, max_iters=max_iters, **kwargs)
        # Replace mmengine's eager iterator (its workers shut down when it is dropped) with the lazy one.
        self.dataloader_iterator = _EpochIterator(self.dataloader)
        if self.dataloader.generator is None:
            self.dataloader.generator = torch.Generator()
        sampler_bs = getattr(self.dataloader_iterator.sampler, 'batch_size', None)
        if sampler_bs is not None and self.dataloader.batch_size not in (None, sampler_bs):
            raise ValueError(f'train_dataloader.batch_size={self.dataloader.batch_size} differs from the '
                             f'sampler batch_size={sampler_bs}; set both to the same per-GPU batch size')
        size_unlabeled_state(runner.model, self.dataloader_iterator.sampler)
        self.skipped: Dict[int, List[str]] = {}

    def run(self) -> None:
        """Launch training (resuming by sampler skip when possible)."""
        if self._iter > 0:
            if self.dataloader_iterator.can_skip():
                print_log(f'Resuming: the sampler skips {self._iter} batches without decoding them',
                          logger='current')
                self.dataloader_iterator.skip(self._iter)
            else:
                print_log(f'{type(self.dataloader_iterator.sampler).__name__} cannot skip batches; resuming '
                          f'decodes {self._iter} batches', logger='current', level=logging.WARNING)
        return super().run()

    def run_iter(self, data_batch: Sequence[dict]) -> None:
        """Count skipped videos of this batch, then train on it.

        Args:
            data_batch: Batch from the dataloader.
        """
        bad = count_bad_files(data_batch)
        epoch_bad = self.skipped.setdefault(self.dataloader_iterator.epoch, [])
        for path in bad:
            print_log(f'epoch {self.dataloader_iterator.epoch}: skipped bad video {path}', logger='current',
                      level=logging.WARNING)
        epoch_bad.extend(bad)
        self.runner.message_hub.update_scalar('train/skipped_videos', len(epoch_bad))
        super().run_iter(data_batch)
