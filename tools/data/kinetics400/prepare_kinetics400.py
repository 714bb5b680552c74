"""Build Kinetics-400 lists from the official CSVs, keeping only downloaded videos that have audio.

Expected input (mmaction2's ``tools/data/kinetics`` layout, class folders with ``_`` for spaces)::

    data/kinetics400/annotations/kinetics_train.csv, kinetics_val.csv
        header: label,youtube_id,time_start,time_end,split,is_cc
    data/kinetics400/videos_train/<class_underscored>/<ytid>_<start:06d>_<end:06d>.mp4
    data/kinetics400/videos_val/...

Example::

    python tools/data/kinetics400/prepare_kinetics400.py \\
        --train-csv data/kinetics400/annotations/kinetics_train.csv --train-videos data/kinetics400/videos_train \\
        --val-csv data/kinetics400/annotations/kinetics_val.csv --val-videos data/kinetics400/videos_val \\
        --out-dir data/kinetics400 --workers 8

Writes ``kinetics400_{train,val}_list_videos.txt`` (paths relative to the split's videos folder, label =
position in the sorted underscored train class names, as mmaction2's ``parse_kinetics_splits``),
``classes.txt`` and ``dropped_*.txt``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from mmavssl.datasets.preparation import InputError, filter_playable, parse_int, read_csv_rows, write_prepared
from mmavssl.datasets.splits import VideoEntry
from mmavssl.utils.cli import HelpFormatter

HEADER = ['label', 'youtube_id', 'time_start', 'time_end', 'split', 'is_cc']


def read_kinetics_csv(path: str | Path) -> list[tuple[str, str]]:
    """Read an official Kinetics CSV.

    Args:
        path: CSV with header ``label,youtube_id,time_start,time_end,split,is_cc``.

    Returns:
        ``(class_underscored, relative video path)`` per row, the path being
        ``<class_underscored>/<ytid>_<start:06d>_<end:06d>.mp4``.

    Raises:
        InputError: Naming the file and line, on a wrong header, field count or time value.
    """
    rows = read_csv_rows(path)
    if not rows or [x.strip() for x in rows[0][1]] != HEADER:
        raise InputError(f'{path}:1: expected header {",".join(HEADER)}, got {rows[0][1] if rows else "empty file"}')
    out = []
    for lineno, row in rows[1:]:
        if len(row) != len(HEADER):
            raise InputError(f'{path}:{lineno}: expected {len(HEADER)} fields ({",".join(HEADER)}), got {row!r}')
        label, ytid = row[0].replace('"', '').strip().replace(' ', '_'), row[1].strip()
        if not label or not ytid:
            raise InputError(f'{path}:{lineno}: empty label or youtube_id in {row!r}')
        start = parse_int(row[2], path, lineno, 'time_start')
        end = parse_int(row[3], path, lineno, 'time_end')
        out.append((label, f'{label}/{ytid}_{start:06d}_{end:06d}.mp4'))
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    p.add_argument('--train-csv', required=True, help='official training CSV (kinetics_train.csv)')
    p.add_argument('--train-videos', required=True, help='folder of the training clips (class folders)')
    p.add_argument('--val-csv', required=True, help='official validation CSV (kinetics_val.csv)')
    p.add_argument('--val-videos', required=True, help='folder of the validation clips')
    p.add_argument('--out-dir', required=True, help='folder of the lists and class names written')
    p.add_argument('--workers', type=int, default=1, help='processes probing the videos')
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the Kinetics-400 lists; return 0, or 2 on invalid input."""
    args = parse_args(argv)
    try:
        rows = {'train': read_kinetics_csv(args.train_csv), 'val': read_kinetics_csv(args.val_csv)}
        classes = sorted({label for label, _ in rows['train']})
        index = {c: i for i, c in enumerate(classes)}
        unknown = sorted({label for label, _ in rows['val']} - set(index))
        if unknown:
            raise InputError(f'{args.val_csv}: classes {unknown[:5]} do not occur in {args.train_csv}')
    except InputError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    lists, dropped, candidates = {}, {}, {}
    for subset, videos in (('train', args.train_videos), ('val', args.val_videos)):
        entries = [VideoEntry(path, index[label]) for label, path in rows[subset]]
        name = f'kinetics400_{subset}_list_videos.txt'
        candidates[name] = len(entries)
        lists[name], dropped[name] = filter_playable(entries, videos, args.workers)
    write_prepared(args.out_dir, lists, classes, dropped, candidates)
    return 0


if __name__ == '__main__':
    sys.exit(main())
