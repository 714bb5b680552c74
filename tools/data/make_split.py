"""Make and convert video lists (``path label``) for semi-supervised training.

Sub-commands::

    # k labeled clips per class (seeded, class-balanced, without replacement), the rest unlabeled
    python tools/data/make_split.py draw data/ucf51/ucf51_train_split_1_videos.txt --shots 1 5 --seed 0 \\
        --out-dir data/ucf51/splits
    # official UCF-101 split file (1-based labels, CRLF; testlists without labels) -> 0-based list
    python tools/data/make_split.py ucf data/ucf101/annotations/classInd.txt \\
        data/ucf101/annotations/trainlist01.txt data/ucf101/ucf101_train_split_1_videos.txt
    # SVFormer split file with absolute paths -> relative paths
    python tools/data/make_split.py svformer SVFormer/dataset/list_ucf_1/train.csv ucf101_1shot.txt \\
        --keep-components 2

Every written file's SHA-256 is printed. Existing output files are left alone (the command writes nothing and
exits 2) unless ``--overwrite``: a split that configs and results refer to should not change by accident.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from mmavssl.datasets.splits import (VideoEntry, class_counts, draw_labeled_split, read_class_index, read_list,
                                     read_svformer_list, read_ucf_split, write_list)
from mmavssl.utils.cli import HelpFormatter


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    sub = p.add_subparsers(dest='cmd', required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument('--overwrite', action='store_true', help='replace output files that exist')
    d = sub.add_parser('draw', parents=[common], formatter_class=HelpFormatter,
                       help='draw labeled/unlabeled splits from a full training list')
    d.add_argument('list', help='training list, "path label" lines')
    d.add_argument('--shots', type=int, nargs='+', required=True, help='labeled clips per class, e.g. 1 5')
    d.add_argument('--seed', type=int, default=0, help='seed of the draw')
    d.add_argument('--out-dir', required=True, help='folder of the split files')
    d.add_argument('--prefix', default='train', help='files are <prefix>_{labeled,unlabeled}_<k>shot.txt')
    u = sub.add_parser('ucf', parents=[common], formatter_class=HelpFormatter,
                       help='convert an official UCF-101 split file')
    u.add_argument('class_ind', help='classInd.txt')
    u.add_argument('split_file', help='trainlist0X.txt or testlist0X.txt')
    u.add_argument('out', help='0-based "path label" list to write')
    s = sub.add_parser('svformer', parents=[common], formatter_class=HelpFormatter,
                       help='convert a SVFormer split file')
    s.add_argument('list', help="SVFormer's list file")
    s.add_argument('out', help='relative "path label" list to write')
    s.add_argument('--keep-components', type=int, default=None,
                   help='keep only the last N path components (2 for UCF-101: Class/v_X.avi)')
    return p.parse_args(argv)


def _outputs(args: argparse.Namespace) -> list[tuple[Path, list[VideoEntry]]]:
    """The files the chosen sub-command writes and their entries."""
    if args.cmd == 'draw':
        entries = read_list(args.list)
        out = []
        for k in args.shots:
            labeled, unlabeled = draw_labeled_split(entries, k, args.seed)
            out += [(Path(args.out_dir) / f'{args.prefix}_{kind}_{k}shot.txt', part)
                    for kind, part in (('labeled', labeled), ('unlabeled', unlabeled))]
        print(f'{len(class_counts(entries))} classes, seed {args.seed}')
        return out
    if args.cmd == 'ucf':
        return [(Path(args.out), read_ucf_split(args.split_file, read_class_index(args.class_ind)))]
    return [(Path(args.out), read_svformer_list(args.list, keep_components=args.keep_components))]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen sub-command; return the exit status (2 on invalid input or existing outputs)."""
    args = parse_args(argv)
    try:
        outputs = _outputs(args)
    except (ValueError, FileNotFoundError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    existing = [str(path) for path, _ in outputs if path.exists()]
    if existing and not args.overwrite:
        print(f'error: {", ".join(existing)} already exist(s); nothing written. Pass --overwrite to replace, or '
              'choose another output.', file=sys.stderr)
        return 2
    for path, entries in outputs:
        print(f'wrote {path} ({len(entries)} videos) sha256={write_list(entries, path)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
