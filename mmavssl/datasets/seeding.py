"""Per-sample random seeds: a sample's augmentations depend on where the sampler put it, not on the history of the
process that decodes it (so a resumed run, whose dataloader workers start afresh, draws what the uninterrupted
run drew)."""
import random
from contextlib import contextmanager
from typing import Iterator

import numpy as np
import torch


class SeededIndex(int):
    """A dataset index that carries the seed of its sample's random draws.

    Samplers yield these instead of plain ints; ``AVVideoDataset.__getitem__`` runs the pipeline under
    :func:`seeded_rngs` with the seed. Everything else sees an ordinary ``int``.

    Args:
        index: The dataset index.
        seed: Seed of the sample's draws, in ``[0, 2**64)``.
    """

    seed: int

    def __new__(cls, index: int, seed: int) -> 'SeededIndex':
        obj = super().__new__(cls, index)
        obj.seed = seed
        return obj

    def __sub__(self, offset: int) -> 'SeededIndex':
        """``self - offset`` keeping the seed: ``ConcatDataset`` maps a global index into its member dataset by
        subtracting the member's offset, and the member dataset is the one that runs the pipeline."""
        return SeededIndex(int(self) - offset, self.seed)

    def __reduce__(self) -> tuple:
        # Indices travel to dataloader workers pickled.
        return SeededIndex, (int(self), self.seed)

    def __repr__(self) -> str:
        return f'SeededIndex({int(self)}, seed={self.seed})'


def sample_seed(*key: int) -> int:
    """A 64-bit seed determined by ``key`` (e.g. base seed, sample position, index); near keys give unrelated
    seeds.

    Args:
        *key: Non-negative integers.

    Returns:
        The seed, in ``[0, 2**64)``.
    """
    return int(np.random.SeedSequence(list(key)).generate_state(1, np.uint64)[0])


@contextmanager
def seeded_rngs(seed: int) -> Iterator[None]:
    """Run the block with Python's, NumPy's and torch's (CPU) global generators seeded from ``seed``, the
    generators transforms draw from, then restore their previous states.

    Restoring keeps the caller's random stream as it was: in the main process (``num_workers=0``) that stream
    also feeds the model's draws (mixup, partner permutations), which ``RNGStateHook`` checkpoints. CUDA
    generators are left alone (transforms run on the CPU).

    Args:
        seed: Seed in ``[0, 2**64)``.
    """
    saved = random.getstate(), np.random.get_state(), torch.get_rng_state()
    random.seed(seed)
    np.random.seed([seed & 0xFFFFFFFF, seed >> 32])  # the legacy generator takes 32-bit words
    torch.default_generator.manual_seed(seed)
    try:
        yield
    finally:
        random.setstate(saved[0])
        np.random.set_state(saved[1])
        torch.set_rng_state(saved[2])
