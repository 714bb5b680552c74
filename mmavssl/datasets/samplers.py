"""``LabeledUnlabeledSampler``: 1 : mu labeled/unlabeled batches over ``ConcatDataset([labeled, unlabeled])``."""
import math
from typing import Iterator, Optional, Sized

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from mmavssl.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class LabeledUnlabeledSampler(Sampler):
    """Yields per-rank batches of ``batch_size / (1 + mu)`` labeled then ``batch_size * mu / (1 + mu)``
    unlabeled indices.

    Semantics:
        * The unlabeled set defines the epoch: each epoch is a permutation of it (seeded by ``seed`` and the
          epoch), padded by wrapping to a multiple of ``world_size * n_unlabeled`` so every unlabeled sample
          is seen at least once; step ``s`` hands the ``s``-th chunk of ``world_size * n_unlabeled`` indices
          out rank by rank (no overlap between ranks).
        * The labeled set cycles: an endless stream of permutations (pass ``p`` seeded by ``seed`` and ``p``)
          of which every step consumes ``world_size * n_labeled`` consecutive entries, again split by rank. The
          stream position depends only on the global step, so it continues across epochs.
        * Everything is a function of ``(seed, epoch, step)``, so resuming is exact: ``set_epoch(epoch,
          start_batch)`` makes the next iteration start at that batch, identical to having iterated there.

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

    def _labeled(self, first: int, count: int) -> np.ndarray:
        """Entries ``[first, first + count)`` of the endless labeled stream."""
        n = self.num_labeled_total
        positions = np.arange(first, first + count)
        passes = positions // n
        out = np.empty(count, np.int64)
        for p in np.unique(passes):
            sel = passes == p
            out[sel] = self._perm(n, int(p), 1)[positions[sel] % n]
        return out

    def __iter__(self) -> Iterator[int]:
        """Indices of this rank's remaining batches of the current epoch, labeled first in each batch."""
        bpe = self.batches_per_epoch
        chunk_u = self.world_size * self.n_unlabeled
        unlabeled = self._perm(self.num_unlabeled_total, self.epoch, 0)
        unlabeled = np.resize(unlabeled, bpe * chunk_u)  # wraps around to pad the last step
        chunk_l = self.world_size * self.n_labeled
        start, self.start_batch = self.start_batch, 0
        for step in range(start, bpe):
            global_step = self.epoch * bpe + step
            lab = self._labeled(global_step * chunk_l + self.rank * self.n_labeled, self.n_labeled)
            unl = unlabeled[step * chunk_u + self.rank * self.n_unlabeled:][:self.n_unlabeled]
            yield from lab.tolist()
            yield from (unl + self.num_labeled_total).tolist()

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
