"""Build VGGSound lists from the official ``vggsound.csv``, keeping only available videos with audio.

Expected input::

    data/vggsound/vggsound.csv     no header: YouTube ID,start seconds,label,train|test
    data/vggsound/videos/<ytid>_<start:06d>.mp4

Example::

    python tools/data/vggsound/prepare_vggsound.py --csv data/vggsound/vggsound.csv \\
        --videos data/vggsound/videos --out-dir data/vggsound --workers 8

Writes ``vggsound_{train,test}_list_videos.txt`` (``<ytid>_<start:06d>.mp4 idx``, label = position in the
sorted label names of the whole CSV), ``classes.txt`` and ``dropped_*.txt``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from mmavssl.datasets.preparation import InputError, filter_playable, parse_int, read_csv_rows, write_prepared
from mmavssl.datasets.splits import VideoEntry
from mmavssl.utils.cli import HelpFormatter

SUBSETS = ('train', 'test')


def read_vggsound_csv(path: str | Path) -> list[tuple[str, str, str]]:
    """Read VGGSound's CSV.

    Labels that contain commas are accepted quoted or unquoted (the middle fields are joined).

    Args:
        path: ``vggsound.csv`` (no header; ``ytid,start,label,split``).

    Returns:
        ``(subset, label, relative video path)`` per row, the path being ``<ytid>_<start:06d>.mp4``.

    Raises:
        InputError: Naming the file and line, on too few fields, a bad start time or an unknown split.
    """
    out = []
    for lineno, row in read_csv_rows(path):
        if len(row) < 4:
            raise InputError(f'{path}:{lineno}: expected 4 fields (YouTube ID,start seconds,label,split), '
                             f'got {row!r}')
        ytid, subset, label = row[0].strip(), row[-1].strip(), ','.join(row[2:-1]).strip()
        if subset not in SUBSETS:
            raise InputError(f'{path}:{lineno}: split {subset!r} is not one of {SUBSETS} '
                             '(a header line? the official file has none)')
        if not ytid or not label:
            raise InputError(f'{path}:{lineno}: empty YouTube ID or label in {row!r}')
        start = parse_int(row[1], path, lineno, 'start')
        out.append((subset, label, f'{ytid}_{start:06d}.mp4'))
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    p.add_argument('--csv', required=True, help='vggsound.csv')
    p.add_argument('--videos', required=True, help='folder with <ytid>_<start:06d>.mp4')
    p.add_argument('--out-dir', required=True, help='folder of the lists and class names written')
    p.add_argument('--workers', type=int, default=1, help='processes probing the videos')
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the VGGSound lists; return 0, or 2 on invalid input."""
    args = parse_args(argv)
    try:
        rows = read_vggsound_csv(args.csv)
    except InputError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    classes = sorted({label for _, label, _ in rows})
    index = {c: i for i, c in enumerate(classes)}
    lists, dropped, candidates = {}, {}, {}
    for subset in SUBSETS:
        entries = [VideoEntry(path, index[label]) for s, label, path in rows if s == subset]
        name = f'vggsound_{subset}_list_videos.txt'
        candidates[name] = len(entries)
        lists[name], dropped[name] = filter_playable(entries, args.videos, args.workers)
    write_prepared(args.out_dir, lists, classes, dropped, candidates)
    return 0


if __name__ == '__main__':
    sys.exit(main())
