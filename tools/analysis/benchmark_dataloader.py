"""Throughput of the unlabeled weak + strong audio-visual pipeline, in clips per second per worker.

Without ``--video`` it writes a UCF-101-like clip (320x240, 25 fps, MPEG-4 + MP3 44.1 kHz stereo, 7 s) with
PyAV into a temporary folder. One "clip" is one unlabeled sample: decoding plus both branches.

Example::

    python tools/analysis/benchmark_dataloader.py --samples 30
    python tools/analysis/benchmark_dataloader.py --video data/ucf101/videos/x.avi --workers 2
"""
import argparse
import fractions
import os.path as osp
import tempfile
import time
from typing import List

import av
import numpy as np
import torch
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from torch.utils.data import DataLoader, Dataset

from mmavssl.utils.cli import HelpFormatter


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


def unlabeled_pipeline(decode_per_branch: bool, clip_len: int, interval: int, target_length: int) -> List[dict]:
    """The weak + strong pipeline of docs/data_pipeline.md (SVFormer geometry, AST audio)."""
    decode = [dict(type='SampleFrames', clip_len=clip_len, frame_interval=interval, num_clips=1,
                   out_of_bound_opt='repeat_last'),
              dict(type='AVDecode'), dict(type='AudioFbank', target_length=target_length)]
    weak = [dict(type='RandomRescale', scale_range=(256, 320)), dict(type='RandomCrop', size=224),
            dict(type='Flip', flip_ratio=0.5), dict(type='FormatShape', input_format='NCTHW'),
            dict(type='PackAVInputs')]
    strong = weak[:3] + [dict(type='ClipRandAugment', num_ops=2, magnitude=9), dict(type='TemporalWarp'),
                         dict(type='SpecAugment', freq_mask=48, time_mask=48)] + weak[3:]
    return [dict(type='AVInit'),
            dict(type='MultiBranchAV', decode=decode, decode_per_branch=decode_per_branch,
                 unsup_weak=weak, unsup_strong=strong)]


class _Repeat(Dataset):
    """The same video ``n`` times through a pipeline."""

    def __init__(self, video: str, n: int, pipeline: List[dict]) -> None:
        self.video, self.n, self.pipeline = video, n, Compose(pipeline)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> dict:
        return self.pipeline(dict(filename=self.video, label=-1, sample_idx=i, start_index=0,
                                  modality='RGB'))


def measure(video: str, samples: int, workers: int, **pipe_kwargs) -> float:
    """Clips per second per worker (main process when ``workers`` is 0)."""
    data = _Repeat(video, samples, unlabeled_pipeline(**pipe_kwargs))
    loader = DataLoader(data, batch_size=1, num_workers=workers, collate_fn=lambda b: b,
                        persistent_workers=False)
    data[0]  # warm-up (imports, codec init)
    start = time.perf_counter()
    for _ in loader:
        pass
    return samples / (time.perf_counter() - start) / max(workers, 1)


def main() -> None:
    """Parse arguments, run both decode modes, print figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=HelpFormatter,
                                     allow_abbrev=False)
    parser.add_argument('--video', help='a video file (default: generated UCF-101-like clip)')
    parser.add_argument('--samples', type=int, default=20, help='unlabeled samples timed')
    parser.add_argument('--workers', type=int, default=0, help='DataLoader workers (0 = main process)')
    parser.add_argument('--clip-len', type=int, default=8, help='frames per clip')
    parser.add_argument('--interval', type=int, default=8, help='frame interval of the sampled clip')
    parser.add_argument('--target-length', type=int, default=256, help='fbank frames')
    args = parser.parse_args()
    torch.set_num_threads(1)
    init_default_scope('mmavssl')
    with tempfile.TemporaryDirectory() as tmp:
        video = args.video or write_ucf_like(osp.join(tmp, 'ucf_like.avi'))
        print(f'video: {video}; {args.clip_len} frames x {args.interval}, fbank L={args.target_length}, '
              f'workers={args.workers}, samples={args.samples}')
        for per_branch in (False, True):
            rate = measure(video, args.samples, args.workers, decode_per_branch=per_branch,
                           clip_len=args.clip_len, interval=args.interval, target_length=args.target_length)
            mode = 'decode per branch' if per_branch else 'decode once'
            print(f'weak+strong AV, {mode:17s}: {rate:6.2f} clips/s per worker')


if __name__ == '__main__':
    main()
