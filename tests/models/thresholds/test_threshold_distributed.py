"""Two gloo ranks over halves of each batch reach the same threshold state as one rank on whole batches.

The ranks are spawned, not forked: a fork after the parent used its OpenMP pool can deadlock the child.
"""
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mmavssl.models.thresholds import ClassBalancedThreshold, FlexMatchThreshold, FreeMatchThreshold


def _batches():
    gen = torch.Generator().manual_seed(0)
    out = []
    for _ in range(4):
        logits = torch.randn(6, 5, generator=gen) * 4
        out.append((logits.softmax(1), torch.randperm(20, generator=gen)[:6]))
    return out


def _run(thresholds, rank, world):
    masks = []
    for probs, idx in _batches():
        # uneven split (rank 0: 4 rows, rank 1: 2 rows) exercises the padded all-gather
        sl = slice(0, 6) if world == 1 else (slice(0, 4) if rank == 0 else slice(4, 6))
        masks.append([t(probs[sl], idx[sl]) for t in thresholds])
    return masks


def _make():
    return [FlexMatchThreshold(5, 20, p_cutoff=0.8).train(), FreeMatchThreshold(5, ema_p=0.9).train(),
            ClassBalancedThreshold(5, 20, keep_ratio=0.5).train()]


def _worker(rank, world, port, out_dir):
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank, world_size=world)
    thresholds = _make()
    _run(thresholds, rank, world)
    torch.save([t.state_dict() for t in thresholds], os.path.join(out_dir, f'rank{rank}.pth'))
    dist.destroy_process_group()


def test_two_ranks_match_one_rank(tmp_path):
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    mp.start_processes(_worker, args=(2, port, str(tmp_path)), nprocs=2, start_method='spawn')
    single = _make()
    _run(single, 0, 1)
    assert single[0].selected_label.ne(-1).any()
    for rank in range(2):
        states = torch.load(tmp_path / f'rank{rank}.pth')
        for ref, state in zip(single, states):
            for key, value in ref.state_dict().items():
                assert torch.allclose(state[key].float(), value.float(), atol=1e-6), (rank, key)
