"""``LabeledUnlabeledSampler``: 1 : mu labeled/unlabeled batches over ``ConcatDataset([labeled, unlabeled])``."""
import math
from typing import Iterator, Optional, Sized

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from mmavssl.registry import DATA_SAMPLERS
from .seeding import SeededIndex, sample_seed


@DATA_SAMPLERS.register_module()
class LabeledUnlabeledSampler(Sampler):
    """Yields per-rank batches of ``batch_size / (1 + mu)`` labeled then ``batch_size * mu / (1 + mu)``
    unlabeled indices.

    Semantics:
        * The unlabeled set defines the epoch: each epoch is a permutation of it (seeded by ``seed`` and the
          epoch), padded by wrapping to a multiple of ``world_size * n_unlabeled`` so every unlabeled sample
          is seen at least once; step ``s`` hands the ``s``-th chunk of ``world_size * n_unlabeled`` indices
          out rank by rank (no overlap between ranks).
        * The labeled set cycles: an endless series of permutations (pass ``p`` seeded by ``seed`` and ``p``),
          each read in chunks of ``world_size * n_labeled`` (the last chunk wraps inside its permutation), one
          chunk per step, split by rank. The position depends only on the global step, so it continues across
          epochs, and ranks never share a labeled sample within a step while the chunk fits the labeled set.
        * Everything is a function of ``(seed, epoch, step)``, so resuming is exact: ``set_epoch(epoch,
          start_batch)`` makes the next iteration start at that batch, identical to having iterated there.
        * Each index is a :class:`SeededIndex` whose seed is determined by ``(seed, position, index)``, the
          position counting samples over all steps and ranks; the dataset seeds the sample's augmentations with
          it. A sample's augmentations thus depend on its position only, not on which dataloader worker decodes
          it or what that worker decoded before, so a resumed run (fresh workers, skipped batches never
          decoded) draws exactly what the uninterrupted run drew.

    Use with a DataLoader whose ``batch_size`` equals this ``batch_size`` (``SemiIterBasedTrainLoop`` checks).

    Args:
        dataset: ``ConcatDataset`` of exactly two datasets, labeled first (needs ``cumulative_sizes``).
        batch_size: Samples per batch on one rank (labeled + unlabeled).
        mu: Unlabeled samples per labeled sample.
        shuffle: Random permutations (False: dataset order).
        seed: Shared seed; None draws one and synchronises it across ranks.
        rank: Override the distributed rank (tests, custom launchers).
        world_size: Override the world size.
    """

    def __init__(self, dataset: Sized, batch_size: int, mu: int = 5, shuffle: bool = True,
                 seed: Optional[int] = None, rank: Optional[int] = None,
                 world_size: Optional[int] = None) -> None:
        sizes = getattr(dataset, 'cumulative_sizes', None)
        if sizes is None or len(sizes) != 2:
            raise TypeError('LabeledUnlabeledSampler needs dataset=ConcatDataset([labeled, unlabeled]) '
                            f'(two datasets), got {type(dataset).__name__}')
        if mu < 1 or batch_size % (1 + mu):
            raise ValueError(f'batch_size={batch_size} must be a multiple of 1 + mu = {1 + mu} (mu >= 1); '
                             f'e.g. batch_size={1 + mu} for 1 labeled + {mu} unlabeled per batch')
        dist_rank, dist_world = get_dist_info()
        self.rank = dist_rank if rank is None else rank
        self.world_size = dist_world if world_size is None else world_size
        if not 0 <= self.rank < self.world_size:
            raise ValueError(f'rank {self.rank} outside world_size {self.world_size}')
        self.num_labeled_total = sizes[0]
        self.num_unlabeled_total = sizes[1] - sizes[0]
        if not self.num_labeled_total or not self.num_unlabeled_total:
            raise ValueError(f'labeled ({self.num_labeled_total}) and unlabeled ({self.num_unlabeled_total}) '
                             'datasets must both be non-empty')
        self.batch_size = batch_size
        self.mu = mu
        self.n_labeled = batch_size // (1 + mu)
        self.n_unlabeled = batch_size - self.n_labeled
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0
        self.start_batch = 0

    @property
    def batches_per_epoch(self) -> int:
        """Batches per rank in one epoch (one pass over the unlabeled set)."""
        return math.ceil(self.num_unlabeled_total / (self.world_size * self.n_unlabeled))

    def _perm(self, n: int, *key: int) -> np.ndarray:
        """Permutation of ``range(n)`` determined by ``(seed, *key)``."""
        if not self.shuffle:
            return np.arange(n)
        return np.random.default_rng([self.seed, *key]).permutation(n)

    def _labeled(self, global_step: int) -> np.ndarray:
        """This rank's labeled indices at ``global_step``.

        A pass is one permutation of the labeled set read in chunks of ``world_size * n_labeled``; the last
        chunk of a pass wraps around inside the same permutation, so the ranks of one step never share a
        sample (unless the chunk is larger than the labeled set).
        """
        n, chunk = self.num_labeled_total, self.world_size * self.n_labeled
        steps_per_pass = math.ceil(n / chunk)
        pass_idx, step_in_pass = divmod(global_step, steps_per_pass)
        first = step_in_pass * chunk + self.rank * self.n_labeled
        return self._perm(n, pass_idx, 1)[np.arange(first, first + self.n_labeled) % n]

    def __iter__(self) -> Iterator[SeededIndex]:
        """Indices of this rank's remaining batches of the current epoch, labeled first in each batch."""
        bpe = self.batches_per_epoch
        chunk_u = self.world_size * self.n_unlabeled
        unlabeled = self._perm(self.num_unlabeled_total, self.epoch, 0)
        unlabeled = np.resize(unlabeled, bpe * chunk_u)  # wraps around to pad the last step
        start, self.start_batch = self.start_batch, 0
        for step in range(start, bpe):
            global_step = self.epoch * bpe + step
            lab = self._labeled(global_step)
            unl = unlabeled[step * chunk_u + self.rank * self.n_unlabeled:][:self.n_unlabeled]
            first = (global_step * self.world_size + self.rank) * self.batch_size
            for slot, index in enumerate(lab.tolist() + (unl + self.num_labeled_total).tolist()):
                yield SeededIndex(index, sample_seed(self.seed, first + slot, index))

    def __len__(self) -> int:
        """Indices the next iteration yields."""
        return (self.batches_per_epoch - self.start_batch) * self.batch_size

    def set_epoch(self, epoch: int, start_batch: int = 0) -> None:
        """Select the epoch (and the batch to start from, for resuming) of the next iteration.

        Args:
            epoch: Epoch number.
            start_batch: Batches of this epoch to skip.
        """
        if not 0 <= start_batch < self.batches_per_epoch:
            raise ValueError(f'start_batch {start_batch} outside [0, {self.batches_per_epoch})')
        self.epoch = epoch
        self.start_batch = start_batch
