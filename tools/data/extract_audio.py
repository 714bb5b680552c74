"""Extract every video's audio track to ``<out_root>/<relative path with .wav>`` (16 kHz mono s16 by default).

Examples::

    python tools/data/extract_audio.py data/ucf101/videos data/ucf101/audio --workers 8
    python tools/data/extract_audio.py data/vggsound/videos data/vggsound/audio \\
        --list data/vggsound/vggsound_train_list_videos.txt --sample-rate 16000

``a/clip.mp4`` becomes ``<out_root>/a/clip.wav``, where ``AVVideoDataset(data_prefix=dict(video=VIDEO_ROOT,
audio=OUT_ROOT))`` reads it. Resumable: a ``.wav`` that exists is finished (files are written to a temp name and
renamed), so a rerun skips it. Videos without an audio stream are counted and listed, unreadable ones are
counted as failed; neither stops the run. The exit status is 1 when any video failed, else 0.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import wave
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Sequence

import av
import numpy as np

from mmavssl.datasets import wav_relpath
from mmavssl.datasets.preparation import parallel_map
from mmavssl.datasets.splits import read_list
from mmavssl.utils.cli import HelpFormatter

VIDEO_EXTS = ('.mp4', '.avi', '.mkv', '.webm', '.mov')


def decode_audio(path: str | os.PathLike, sample_rate: int, channels: int) -> np.ndarray | None:
    """Decode and resample a file's first audio stream.

    Args:
        path: Media file.
        sample_rate: Output rate in Hz.
        channels: 1 (mono downmix) or 2.

    Returns:
        int16 (N, channels) samples, or None when the file has no audio stream.
    """
    layout = {1: 'mono', 2: 'stereo'}[channels]
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return None
        resampler = av.AudioResampler(format='s16', layout=layout, rate=sample_rate)
        chunks = []
        for frame in container.decode(container.streams.audio[0]):
            chunks += [f.to_ndarray().reshape(-1, channels) for f in resampler.resample(frame)]
        chunks += [f.to_ndarray().reshape(-1, channels) for f in resampler.resample(None)]
    return np.concatenate(chunks) if chunks else np.zeros((0, channels), np.int16)


def extract_one(rel: str, video_root: str, out_root: str, sample_rate: int, channels: int) -> tuple[str, str]:
    """Extract one video's audio; return ``(rel, status)``.

    ``status`` is ``'skipped'`` (the ``.wav`` exists), ``'extracted'``, ``'no audio'`` or
    ``'failed: <error>'``. The ``.wav`` appears only complete (temp file + atomic rename).
    """
    dest = Path(out_root) / wav_relpath(rel)
    if dest.is_file():
        return rel, 'skipped'
    tmp = dest.with_name(f'.{dest.name}.tmp{os.getpid()}')
    try:
        samples = decode_audio(Path(video_root) / rel, sample_rate, channels)
        if samples is None:
            return rel, 'no audio'
        if len(samples) == 0:
            return rel, 'failed: the audio stream decoded to 0 samples'
        dest.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(tmp), 'wb') as w:
            w.setnchannels(channels)
            w.setsampwidth(2)
            w.setframerate(sample_rate)
            w.writeframes(np.ascontiguousarray(samples).tobytes())
        os.replace(tmp, dest)
    except (av.error.FFmpegError, OSError, ValueError) as err:
        tmp.unlink(missing_ok=True)
        return rel, f'failed: {type(err).__name__}: {err}'
    return rel, 'extracted'


def find_videos(video_root: Path, list_file: str | None, exts: Sequence[str]) -> list[str]:
    """Relative paths of the videos to process: those of ``list_file``, else every file with ``exts``."""
    if list_file:
        return [e.path for e in read_list(list_file)]
    return sorted(str(p.relative_to(video_root)) for p in video_root.rglob('*')
                  if p.is_file() and p.suffix.lower() in exts)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    p.add_argument('video_root', help='folder the video paths are relative to')
    p.add_argument('out_root', help='folder the .wav files are written to (same layout)')
    p.add_argument('--list', help='"path label" list of videos relative to VIDEO_ROOT (default: all videos)')
    p.add_argument('--ext', nargs='+', default=list(VIDEO_EXTS), help='extensions searched without --list')
    p.add_argument('--sample-rate', type=int, default=16000, help='output rate in Hz')
    p.add_argument('--channels', type=int, choices=(1, 2), default=1, help='output channels')
    p.add_argument('--workers', type=int, default=1, help='parallel processes')
    p.add_argument('--report', help='write {status: [paths]} of the run as JSON here')
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Extract, print a summary; return 1 if any video failed, 2 on bad arguments, else 0."""
    args = parse_args(argv)
    video_root = Path(args.video_root)
    if not video_root.is_dir():
        print(f'error: video root {video_root} is not a folder', file=sys.stderr)
        return 2
    try:
        videos = find_videos(video_root, args.list, tuple(e.lower() for e in args.ext))
    except (ValueError, FileNotFoundError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    by_wav: dict[str, list[str]] = {}
    for rel in videos:
        by_wav.setdefault(wav_relpath(rel), []).append(rel)
    clashes = [rels for rels in by_wav.values() if len(rels) > 1]
    if clashes:
        print('error: videos that differ only in their extension would share one .wav: '
              + '; '.join(' and '.join(rels) for rels in clashes), file=sys.stderr)
        return 2
    job = partial(extract_one, video_root=str(video_root), out_root=args.out_root,
                  sample_rate=args.sample_rate, channels=args.channels)
    results = parallel_map(job, videos, args.workers)
    by_status: dict[str, list[str]] = {}
    for rel, status in results:
        by_status.setdefault(status.split(':')[0], []).append(rel if status in ('extracted', 'skipped', 'no audio')
                                                              else f'{rel}: {status[8:]}')
    counts = Counter({k: len(v) for k, v in by_status.items()})
    for key in ('no audio', 'failed'):
        for item in by_status.get(key, []):
            print(f'{key}: {item}')
    print(f'{len(videos)} videos: {counts["extracted"]} extracted, {counts["skipped"]} already done, '
          f'{counts["no audio"]} without audio, {counts["failed"]} failed -> {args.out_root}')
    if args.report:
        Path(args.report).write_text(json.dumps(by_status, indent=1))
    return 1 if counts['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
