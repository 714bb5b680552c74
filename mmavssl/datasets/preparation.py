"""Helpers shared by the dataset preparation scripts in ``tools/data/``: media checks and list output.

Not imported by ``mmavssl.datasets`` itself: only the preparation scripts need it.
"""
from __future__ import annotations

import csv
import multiprocessing
import os
from collections import Counter
from pathlib import Path
from typing import Callable, Sequence, TypeVar

import av

from mmavssl.datasets.splits import VideoEntry, write_list

__all__ = ['audio_problem', 'parallel_map', 'filter_playable', 'write_prepared', 'InputError', 'read_csv_rows',
           'parse_int']

T = TypeVar('T')
R = TypeVar('R')


class InputError(ValueError):
    """Invalid annotation input; the message names the file and line."""


def audio_problem(path: str | os.PathLike) -> str | None:
    """Why a video cannot be used as an audio-visual sample, or None when it can.

    Args:
        path: Video file.

    Returns:
        None when the file opens and has a video and an audio stream; otherwise ``'missing'``,
        ``'no audio stream'``, ``'no video stream'`` or ``'unreadable: <error>'``.
    """
    if not os.path.isfile(path):
        return 'missing'
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return 'no video stream'
            if not container.streams.audio:
                return 'no audio stream'
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as err:
        return f'unreadable: {type(err).__name__}: {err}'
    return None


def parallel_map(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[fn(x) for x in items]``, in ``workers`` processes when ``workers > 1`` (order kept)."""
    if workers <= 1 or len(items) < 2:
        return [fn(x) for x in items]
    with multiprocessing.get_context('spawn').Pool(workers) as pool:
        return pool.map(fn, items, chunksize=max(1, len(items) // (workers * 8)))


def filter_playable(entries: Sequence[VideoEntry], video_root: str | os.PathLike,
                    workers: int = 1) -> tuple[list[VideoEntry], dict[str, str]]:
    """Keep the entries whose video exists and has an audio stream.

    Args:
        entries: Candidates, paths relative to ``video_root``.
        video_root: Folder the paths are relative to.
        workers: Processes probing files in parallel.

    Returns:
        ``(kept, dropped)`` with ``dropped`` mapping each removed path to the reason
        (see :func:`audio_problem`).
    """
    root = Path(video_root)
    problems = parallel_map(audio_problem, [str(root / e.path) for e in entries], workers)
    kept = [e for e, p in zip(entries, problems) if p is None]
    dropped = {e.path: p for e, p in zip(entries, problems) if p is not None}
    return kept, dropped


def write_prepared(out_dir: str | os.PathLike, lists: dict[str, list[VideoEntry]], classes: Sequence[str],
                   dropped: dict[str, dict[str, str]], candidates: dict[str, int]) -> None:
    """Write prepared lists, ``classes.txt`` and ``dropped_<split>.txt``, and print a summary.

    Args:
        out_dir: Output folder (created).
        lists: ``{file name: entries}`` per split, e.g. ``{'ucf51_train_split_1_videos.txt': [...]}``.
        classes: Class names, position = label.
        dropped: ``{file name: {path: reason}}`` per split (written as ``<path>\\t<reason>`` lines to
            ``dropped_<file name>``).
        candidates: ``{file name: number of annotated videos before dropping}``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / 'classes.txt').write_text(''.join(f'{c}\n' for c in classes), encoding='utf-8')
    print(f'{len(classes)} classes -> {out / "classes.txt"}')
    for name, entries in lists.items():
        sha = write_list(entries, out / name)
        gone = dropped.get(name, {})
        reasons = Counter(r.split(':')[0] for r in gone.values())
        print(f'{name}: {len(entries)} of {candidates[name]} videos kept, {len(gone)} dropped '
              f'{dict(reasons) if reasons else ""} sha256={sha}')
        if gone:
            (out / f'dropped_{name}').write_text(''.join(f'{p}\t{r}\n' for p, r in sorted(gone.items())),
                                                 encoding='utf-8')
            for path, reason in list(sorted(gone.items()))[:20]:
                print(f'  dropped {path}: {reason}')
            if len(gone) > 20:
                print(f'  ... {len(gone) - 20} more in {out / f"dropped_{name}"}')


def read_csv_rows(path: str | os.PathLike) -> list[tuple[int, list[str]]]:
    """``(line number, fields)`` of every non-blank row of a CSV file.

    Raises:
        InputError: If the file does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f'annotation file {path} does not exist; check the path')
    with open(path, newline='', encoding='utf-8') as f:
        return [(i, row) for i, row in enumerate(csv.reader(f), start=1) if any(x.strip() for x in row)]


def parse_int(value: str, path: str | os.PathLike, lineno: int, name: str) -> int:
    """``int(value)`` (``'59'`` or ``'59.0'``), or :class:`InputError` naming ``path:lineno`` and the field."""
    try:
        number = float(value)
    except ValueError:
        raise InputError(f'{path}:{lineno}: {name} {value!r} is not a number') from None
    if number != int(number) or number < 0:
        raise InputError(f'{path}:{lineno}: {name} {value!r} is not a non-negative whole number of seconds')
    return int(number)
