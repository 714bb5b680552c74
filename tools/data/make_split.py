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

Every written file's SHA-256 is printed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from mmavssl.datasets.splits import (class_counts, draw_labeled_split, read_class_index, read_list,
                                     read_svformer_list, read_ucf_split, write_list)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    sub = p.add_subparsers(dest='cmd', required=True)
    d = sub.add_parser('draw', help='draw labeled/unlabeled splits from a full training list')
    d.add_argument('list', help='training list, "path label" lines')
    d.add_argument('--shots', type=int, nargs='+', required=True, help='labeled clips per class, e.g. 1 5')
    d.add_argument('--seed', type=int, default=0)
    d.add_argument('--out-dir', required=True)
    d.add_argument('--prefix', default='train', help='files are <prefix>_{labeled,unlabeled}_<k>shot.txt')
    u = sub.add_parser('ucf', help='convert an official UCF-101 split file')
    u.add_argument('class_ind', help='classInd.txt')
    u.add_argument('split_file', help='trainlist0X.txt or testlist0X.txt')
    u.add_argument('out')
    s = sub.add_parser('svformer', help='convert a SVFormer split file')
    s.add_argument('list')
    s.add_argument('out')
    s.add_argument('--keep-components', type=int, default=None,
                   help='keep only the last N path components (2 for UCF-101: Class/v_X.avi)')
    return p.parse_args(argv)


def _written(path: Path, sha: str, n: int) -> None:
    """Print one written file."""
    print(f'wrote {path} ({n} videos) sha256={sha}')


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen sub-command; return the exit status (2 on invalid input)."""
    args = parse_args(argv)
    try:
        if args.cmd == 'draw':
            entries = read_list(args.list)
            out_dir = Path(args.out_dir)
            for k in args.shots:
                labeled, unlabeled = draw_labeled_split(entries, k, args.seed)
                for kind, part in (('labeled', labeled), ('unlabeled', unlabeled)):
                    path = out_dir / f'{args.prefix}_{kind}_{k}shot.txt'
                    _written(path, write_list(part, path), len(part))
            print(f'{len(class_counts(entries))} classes, seed {args.seed}')
        elif args.cmd == 'ucf':
            entries = read_ucf_split(args.split_file, read_class_index(args.class_ind))
            _written(Path(args.out), write_list(entries, args.out), len(entries))
        else:
            entries = read_svformer_list(args.list, keep_components=args.keep_components)
            _written(Path(args.out), write_list(entries, args.out), len(entries))
    except (ValueError, FileNotFoundError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
