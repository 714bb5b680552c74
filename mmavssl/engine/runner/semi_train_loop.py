"""``SemiIterBasedTrainLoop``: iteration-based training that resumes by telling the sampler to skip."""
import logging
import math
from typing import Any, Dict, List, Optional, Sequence, Union

import torch
from mmengine.hooks import CheckpointHook
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


def fraction_to_iters(value: Any, max_iters: Optional[int], name: str, by_epoch: bool = False) -> Any:
    """An iteration count given as a fraction of training.

    Args:
        value: A float in (0, 1] (a fraction of training; 1.0 is the end), or anything else (an iteration
            count, or a setting that is not one), returned as is.
        max_iters: Training iterations; None when the loop was given ``max_iters``, whose fractions mmengine
            would read as iteration counts (a checkpoint never saved, a milestone never reached).
        name: The setting, for the error message.
        by_epoch: Whether the setting counts epochs (a fraction resolves to iterations).

    Returns:
        ``round(value * max_iters)``, at least 1 (mmengine divides by intervals), for a fraction, else ``value``.

    Raises:
        ValueError: If ``value`` is a float outside (0, 1], or a fraction while ``max_iters`` is None or
            ``by_epoch`` is True.
    """
    if not isinstance(value, float):
        return value
    if not 0 < value <= 1:
        raise ValueError(f'{name}={value} is a float outside (0, 1]; give a fraction of training or an '
                         f'iteration count')
    if max_iters is None:
        raise ValueError(f'{name}={value} is a fraction of training, which needs train_cfg.max_epochs; with '
                         f'train_cfg.max_iters give an iteration count')
    if by_epoch:
        raise ValueError(f'{name}={value} is a fraction of training, which counts iterations: set by_epoch=False')
    return max(1, round(value * max_iters))


def resolve_schedule_fractions(schedulers: Any, max_iters: Optional[int]) -> Any:
    """Param scheduler configs with their fractions of training turned into iterations.

    Every float ``begin``, ``end``, ``T_max`` and ``milestones`` entry in (0, 1] becomes
    ``round(fraction * max_iters)`` (see :func:`fraction_to_iters`); integers and the other settings stay as
    they are. Fractions count iterations, so a scheduler that has one must be ``by_epoch=False``.

    Args:
        schedulers: ``runner.param_schedulers`` before mmengine builds them: None, one config dict, a list of
            them, or a dict of those per optimizer name. Built schedulers pass through unchanged.
        max_iters: Training iterations; None refuses fractions (see :func:`fraction_to_iters`).

    Returns:
        The same structure (a tuple becomes a list), with new dicts where a scheduler is a config.

    Raises:
        ValueError: If a float is outside (0, 1], if there is a fraction while ``max_iters`` is None, or if a
            scheduler with a fraction counts epochs.
    """
    if isinstance(schedulers, (list, tuple)):
        return [resolve_schedule_fractions(s, max_iters) for s in schedulers]
    if not isinstance(schedulers, dict):
        return schedulers
    if 'type' not in schedulers:  # one entry per optimizer, as mmengine's build_param_scheduler reads it
        return {key: resolve_schedule_fractions(s, max_iters) for key, s in schedulers.items()}
    label = getattr(schedulers['type'], '__name__', schedulers['type'])
    resolved = {}
    for key in ('begin', 'end', 'T_max', 'milestones'):
        if key not in schedulers:
            continue
        entries = list(schedulers[key]) if key == 'milestones' else [schedulers[key]]
        # mmengine's schedulers count epochs unless told otherwise
        iters = [fraction_to_iters(v, max_iters, f'{label}.{key}', schedulers.get('by_epoch', True))
                 for v in entries]
        resolved[key] = iters if key == 'milestones' else iters[0]
    return dict(schedulers, **resolved)


@LOOPS.register_module()
class SemiIterBasedTrainLoop(IterBasedTrainLoop):
    """mmengine's ``IterBasedTrainLoop`` with sampler-side resume, bad-video accounting and a length from the data.

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
    * With ``max_epochs``, settings that mmengine counts in iterations may be given as fractions of training,
      floats in (0, 1] that become ``round(fraction * max_iters)``: ``val_interval``, the checkpoint hook's
      ``interval`` and the param schedulers' ``begin``, ``end``, ``milestones`` and ``T_max`` (e.g.
      ``milestones=[0.84, 0.94]``, ``end=1.0``). mmengine's ``Runner.train()`` builds this loop after the
      hooks and before the param schedulers, so their configs are rewritten here. With ``max_iters`` those
      settings must be iteration counts and a fraction is refused (mmengine would read 0.1 as 0.1 iterations).

    Args:
        runner: The runner.
        dataloader: Training dataloader or its config.
        max_iters: Training iterations; or
        max_epochs: Passes over the unlabeled set (exactly one of the two).
        **kwargs: ``val_begin``, ``val_interval`` (iterations, or a fraction of training with ``max_epochs``),
            ``dynamic_intervals`` of :class:`mmengine.runner.IterBasedTrainLoop`.

    Raises:
        ValueError: If both or neither of ``max_iters`` and ``max_epochs`` are given, if a fraction is out of
            (0, 1] or given with ``max_iters`` (see :func:`fraction_to_iters`), or if the dataloader's batch size
            differs from the sampler's.
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
        # Only a length derived from the data turns fractions into iterations (class docstring).
        span = max_iters if max_epochs is not None else None
        if 'val_interval' in kwargs:
            kwargs['val_interval'] = fraction_to_iters(kwargs['val_interval'], span, 'train_cfg.val_interval')
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
        for hook in runner.hooks:
            if isinstance(hook, CheckpointHook):
                hook.interval = fraction_to_iters(hook.interval, span, f'{type(hook).__name__}.interval',
                                                  hook.by_epoch)
        runner.param_schedulers = resolve_schedule_fractions(runner.param_schedulers, span)
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
