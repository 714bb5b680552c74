"""Throughput of the training data pipelines against the decode limit, in clips per second per worker.

On the same video, one sample at a time (batch 1), in the main process (0 workers) or in N DataLoader workers:

* ``decode``: mmaction2's DecordInit + SampleFrames + DecordDecode, the sampled frames alone (the limit);
* ``mmaction2``: mmaction2's own video-only training pipeline, decode + RandomResizedCrop, Resize to the frame
  size, Flip, FormatShape, PackActionInputs;
* ``supervised``: ours, audio-visual (CONFIG's ``train_pipeline``: frames, the clip's audio, its fbank, the
  weak view);
* ``semi``: ours, one unlabeled sample (CONFIG's unlabeled pipeline: decoded once, the weak and the strong
  view with RandAugment, TemporalWarp, SpecAugment and the localizer's spectrogram);
* ``semi_per_branch``: the same with ``decode_per_branch=True`` (each view decodes its own window, SVFormer).

The clip geometry (frames, interval, size) comes from CONFIG. Without ``--video`` a UCF-101-like clip (320x240,
25 fps, MPEG-4 + MP3 44.1 kHz stereo, 7 s) is written with PyAV into a temporary folder. ``--breakdown`` adds
the exclusive time per transform (main process), which says where the time goes.

Example::

    python tools/analysis/benchmark_dataloader.py --samples 30 --breakdown
    python tools/analysis/benchmark_dataloader.py --video data/ucf101/videos/x.avi --workers 0 1 2
"""
import argparse
import contextlib
import fractions
import os.path as osp
import tempfile
import time
from collections import defaultdict
from typing import Dict, Iterator, List, Optional, Sequence

import av
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from torch.utils.data import DataLoader, Dataset

from mmavssl.utils.cli import HelpFormatter

PIPELINES = ('decode', 'mmaction2', 'supervised', 'semi', 'semi_per_branch')


def write_ucf_like(path: str, seconds: float = 7.0) -> str:
    """Write a 320x240 25 fps MPEG-4 + MP3 44.1 kHz stereo AVI with moving noise and a tone.

    Args:
        path: Output .avi path.
        seconds: Duration.

    Returns:
        ``path``.
    """
    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (240, 640, 3), dtype=np.uint8)
    with av.open(path, 'w') as out:
        video = out.add_stream('mpeg4', rate=25)
        video.width, video.height, video.pix_fmt = 320, 240, 'yuv420p'
        audio = out.add_stream('libmp3lame', rate=44100)
        audio.layout = 'stereo'
        for k in range(int(seconds * 25)):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(base[:, k:k + 320]), format='rgb24')
            out.mux(video.encode(frame))
        out.mux(video.encode())
        n = int(seconds * 44100)
        wave = (0.3 * np.sin(2 * np.pi * 440 * np.arange(n) / 44100)).astype(np.float32)
        for start in range(0, n, 1152):
            chunk = np.repeat(wave[None, start:start + 1152], 2, 0)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format='fltp', layout='stereo')
            frame.sample_rate, frame.pts = 44100, start
            frame.time_base = fractions.Fraction(1, 44100)
            out.mux(audio.encode(frame))
        out.mux(audio.encode())
    return path


def _unlabeled_pipeline(cfg: Config) -> List[dict]:
    """The pipeline of the ``UnlabeledAVVideoDataset`` in ``cfg.train_dataloader``."""
    dataset = cfg.train_dataloader.dataset
    for part in dataset.get('datasets', [dataset]):
        if part.type == 'UnlabeledAVVideoDataset':
            return part.pipeline
    raise ValueError('the config has no UnlabeledAVVideoDataset in train_dataloader; pass a semi-supervised '
                     'config (e.g. configs/ucf51_asl_1shot.py).')


def pipelines(cfg: Config) -> Dict[str, List[dict]]:
    """The transform lists of :data:`PIPELINES` for the clip geometry of ``cfg``.

    Args:
        cfg: A semi-supervised config with ``clip``, ``img_size`` and ``train_pipeline`` variables (the dataset
            bases of ``configs/_base_/datasets/``).

    Returns:
        Lists of transform configs by name.
    """
    clip = dict(cfg.clip)
    decode = [dict(type='mmaction.DecordInit'), dict(type='mmaction.SampleFrames', num_clips=1, **clip),
              dict(type='mmaction.DecordDecode')]
    mmaction = decode + [dict(type='mmaction.RandomResizedCrop'),
                         dict(type='mmaction.Resize', scale=(cfg.img_size, cfg.img_size), keep_ratio=False),
                         dict(type='mmaction.Flip', flip_ratio=0.5),
                         dict(type='mmaction.FormatShape', input_format='NCTHW'),
                         dict(type='mmaction.PackActionInputs')]
    semi = _unlabeled_pipeline(cfg)
    per_branch = [dict(t, decode_per_branch=True) if t['type'] == 'MultiBranchAV' else t for t in semi]
    return dict(decode=decode, mmaction2=mmaction, supervised=list(cfg.train_pipeline), semi=list(semi),
                semi_per_branch=per_branch)


class _Repeat(Dataset):
    """The same video ``n`` times through a pipeline."""

    def __init__(self, video: str, n: int, pipeline: List[dict]) -> None:
        self.video, self.n, self.pipeline = video, n, Compose(pipeline)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> dict:
        return self.pipeline(dict(filename=self.video, label=-1, sample_idx=i, start_index=0, modality='RGB'))


def _init_worker(_: int) -> None:
    """Workers start with the default scope of the main process (fork keeps it; spawn would not)."""
    init_default_scope('mmavssl')
    torch.set_num_threads(1)


def measure(video: str, samples: int, workers: int, pipeline: List[dict]) -> float:
    """Clips per second per worker (the main process when ``workers`` is 0).

    Args:
        video: Video path.
        samples: Samples timed (after one warm-up sample in the main process).
        workers: DataLoader workers.
        pipeline: Transform configs.

    Returns:
        Clips / s divided by ``max(workers, 1)``.
    """
    data = _Repeat(video, samples, pipeline)
    loader = DataLoader(data, batch_size=1, num_workers=workers, collate_fn=lambda b: b,
                        worker_init_fn=_init_worker if workers else None)
    data[0]  # warm-up (imports, codec init)
    start = time.perf_counter()
    for _ in loader:
        pass
    return samples / (time.perf_counter() - start) / max(workers, 1)


@contextlib.contextmanager
def transform_times() -> Iterator[Dict[str, float]]:
    """Seconds spent in each transform class, exclusive of the transforms it runs inside (``MultiBranchAV``).

    Wraps ``BaseTransform.__call__`` (mmcv's, shared by mmaction2's and ours) for the duration of the block.

    Yields:
        A dict filled as transforms run: class name -> exclusive seconds.
    """
    totals: Dict[str, float] = defaultdict(float)
    children = [0.0]  # time of the nested calls of each open call
    original = BaseTransform.__call__

    def timed(self: BaseTransform, results: dict) -> Optional[dict]:
        children.append(0.0)
        start = time.perf_counter()
        try:
            return original(self, results)
        finally:
            elapsed = time.perf_counter() - start
            totals[type(self).__name__] += elapsed - children.pop()
            children[-1] += elapsed

    BaseTransform.__call__ = timed
    try:
        yield totals
    finally:
        BaseTransform.__call__ = original


def breakdown(video: str, samples: int, pipeline: List[dict]) -> Dict[str, float]:
    """Milliseconds per sample in each transform (main process, after one warm-up sample)."""
    data = _Repeat(video, samples, pipeline)
    data[0]
    with transform_times() as totals:
        for i in range(samples):
            data[i]
    return {name: 1e3 * seconds / samples for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1])}


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    parser.add_argument('--config', default='configs/ucf51_asl_1shot.py',
                        help='semi-supervised config whose pipelines and clip geometry are measured')
    parser.add_argument('--video', help='a video file (default: generated UCF-101-like clip)')
    parser.add_argument('--samples', type=int, default=20, help='samples timed per pipeline and worker count')
    parser.add_argument('--workers', type=int, nargs='+', default=[0],
                        help='DataLoader worker counts to measure (0 = main process)')
    parser.add_argument('--pipelines', nargs='+', default=list(PIPELINES), choices=PIPELINES,
                        help='pipelines to measure')
    parser.add_argument('--breakdown', action='store_true', help='exclusive ms per transform of each pipeline')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Measure every pipeline at every worker count, print clips/s per worker and the share of the limit."""
    args = parse_args(argv)
    torch.set_num_threads(1)
    init_default_scope('mmavssl')
    import mmaction.datasets.transforms  # noqa: F401  (registers mmaction2's transforms)
    import mmavssl.datasets  # noqa: F401
    cfg = Config.fromfile(args.config)
    lists = pipelines(cfg)
    with tempfile.TemporaryDirectory() as tmp:
        video = args.video or write_ucf_like(osp.join(tmp, 'ucf_like.avi'))
        print(f'video: {video}; config {args.config}: {cfg.clip.clip_len} frames x {cfg.clip.frame_interval}, '
              f'{cfg.img_size}^2, samples={args.samples}')
        header = f'{"pipeline":16s}' + ''.join(f' {f"{w} workers":>11s}' for w in args.workers)
        print(header + '   (clips/s per worker; % of decode at the first worker count)')
        limit = None
        for name in args.pipelines:
            rates = [measure(video, args.samples, w, lists[name]) for w in args.workers]
            limit = rates[0] if name == 'decode' else limit
            share = f'   {100 * rates[0] / limit:5.1f} %' if limit else ''
            print(f'{name:16s}' + ''.join(f' {r:11.2f}' for r in rates) + share, flush=True)
        if args.breakdown:
            for name in args.pipelines:
                times = breakdown(video, args.samples, lists[name])
                parts = ', '.join(f'{k} {v:.1f}' for k, v in times.items())
                print(f'{name}: {sum(times.values()):.1f} ms per sample = {parts}')


if __name__ == '__main__':
    main()
