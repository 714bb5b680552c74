"""LabeledUnlabeledSampler: 1 : mu batches, rank disjointness, epochs, resume, per-sample seeds; one real 2-process
gloo run."""
import itertools

import numpy as np
import pytest
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.utils.data import ConcatDataset

from mmavssl.datasets import LabeledUnlabeledSampler

N_LAB, N_UNL = 7, 50


def concat():
    return ConcatDataset([list(range(N_LAB)), list(range(N_UNL))])


def batches(sampler, size):
    idx = list(sampler)
    return [idx[i:i + size] for i in range(0, len(idx), size)]


@pytest.mark.parametrize('batch_size,mu', [(6, 5), (12, 5), (3, 2)])
def test_every_batch_is_one_to_mu(batch_size, mu):
    sampler = LabeledUnlabeledSampler(concat(), batch_size, mu=mu, seed=0, rank=0, world_size=1)
    n_lab = batch_size // (1 + mu)
    for batch in batches(sampler, batch_size):
        assert len(batch) == batch_size
        assert all(i < N_LAB for i in batch[:n_lab]) and all(i >= N_LAB for i in batch[n_lab:])


def test_two_ranks_disjoint_and_cover_the_unlabeled_epoch():
    ranks = [LabeledUnlabeledSampler(concat(), 6, seed=3, rank=r, world_size=2) for r in range(2)]
    per_rank = [batches(s, 6) for s in ranks]
    assert len(per_rank[0]) == len(per_rank[1]) == ranks[0].batches_per_epoch == 5  # ceil(50 / 10)
    for b0, b1 in zip(*per_rank):
        assert not set(b0) & set(b1)  # same step, different samples (labeled and unlabeled)
    unl = [i - N_LAB for b in itertools.chain(*per_rank) for i in b if i >= N_LAB]
    assert set(unl) == set(range(N_UNL)) and len(unl) == 50  # exactly one pass, no padding needed
    lab = [i for b in itertools.chain(*per_rank) for i in b if i < N_LAB]
    # the labeled stream cycles: 10 draws from 7 -> every labeled sample at least once
    assert set(lab) == set(range(N_LAB))


def test_epochs_reshuffle_and_labeled_stream_continues():
    sampler = LabeledUnlabeledSampler(concat(), 6, seed=1, rank=0, world_size=1)
    first = list(sampler)
    sampler.set_epoch(1)
    second = list(sampler)
    assert first != second
    assert sorted(i for i in first if i >= N_LAB) == sorted(i for i in second if i >= N_LAB)
    # a labeled pass covers all 7, continuing across the epoch boundary (bpe=10 steps of 1 labeled each)
    labeled = [i for i in first + second if i < N_LAB]
    for p in range(len(labeled) // N_LAB):
        assert sorted(labeled[p * N_LAB:(p + 1) * N_LAB]) == list(range(N_LAB))
    assert labeled[N_LAB:2 * N_LAB] != labeled[:N_LAB]  # reshuffled each pass


def test_resume_by_skipping_equals_continuing():
    full = LabeledUnlabeledSampler(concat(), 6, seed=5, rank=1, world_size=2)
    stream = []
    for epoch in range(3):
        full.set_epoch(epoch)
        stream += batches(full, 6)
    bpe = full.batches_per_epoch
    for done in (0, 3, bpe, bpe + 2, 2 * bpe + 1):
        resumed = LabeledUnlabeledSampler(concat(), 6, seed=5, rank=1, world_size=2)
        epoch, start = divmod(done, bpe)
        resumed.set_epoch(epoch, start)
        assert len(resumed) == (bpe - start) * 6
        got = batches(resumed, 6)
        for e in range(epoch + 1, 3):
            resumed.set_epoch(e)
            got += batches(resumed, 6)
        assert got == stream[done:]
        assert seeds(got) == seeds(stream[done:])  # the augmentations of the resumed samples, too


def seeds(batch_list):
    return [index.seed for batch in batch_list for index in batch]


def test_seeds_depend_on_the_position_only():
    def stream(rank):
        sampler = LabeledUnlabeledSampler(concat(), 6, seed=5, rank=rank, world_size=2)
        out = []
        for epoch in range(3):
            sampler.set_epoch(epoch)
            out += batches(sampler, 6)
        return out

    ranks = [stream(0), stream(1)]
    assert seeds(ranks[0]) == seeds(stream(0))  # a function of (seed, epoch, step, rank, slot)
    # every sample of every rank gets its own seed, also a labeled clip drawn again at another step
    everything = seeds(ranks[0]) + seeds(ranks[1])
    assert len(set(everything)) == len(everything) == 2 * 3 * 5 * 6
    assert all(0 <= seed < 2 ** 64 for seed in everything)


def test_padding_when_unlabeled_not_divisible():
    sampler = LabeledUnlabeledSampler(ConcatDataset([[0], list(range(13))]), 6, seed=0, rank=0, world_size=1)
    unl = [i - 1 for i in sampler if i >= 1]
    assert len(unl) == 15 and set(unl) == set(range(13))


def test_bad_arguments():
    with pytest.raises(ValueError, match='multiple of 1 \\+ mu'):
        LabeledUnlabeledSampler(concat(), 7, mu=5, seed=0, rank=0, world_size=1)
    with pytest.raises(TypeError, match='ConcatDataset'):
        LabeledUnlabeledSampler(list(range(10)), 6, seed=0, rank=0, world_size=1)
    with pytest.raises(ValueError, match='rank'):
        LabeledUnlabeledSampler(concat(), 6, seed=0, rank=2, world_size=2)


def _worker(rank, path, out):
    dist.init_process_group('gloo', init_method=f'file://{path}', rank=rank, world_size=2)
    sampler = LabeledUnlabeledSampler(concat(), 6)  # rank, world size and seed from the process group
    out[rank] = list(sampler)
    dist.destroy_process_group()


def test_real_two_process_gloo(tmp_path):
    out = mp.Manager().dict()
    mp.spawn(_worker, args=(str(tmp_path / 'store'), out), nprocs=2)
    b0, b1 = [np.array(out[r]).reshape(-1, 6) for r in range(2)]
    assert all(not set(x) & set(y) for x, y in zip(b0, b1))
    assert set(np.concatenate([b0[:, 1:], b1[:, 1:]]).ravel()) == set(range(N_LAB, N_LAB + N_UNL))
