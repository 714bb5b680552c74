"""Build UCF-51 lists (the 51 UCF-101 classes with audio) from UCF-101's official split files and videos.

Expected input (as mmaction2's ``tools/data/ucf101`` scripts leave it)::

    data/ucf101/annotations/classInd.txt, trainlist0{1,2,3}.txt, testlist0{1,2,3}.txt
    data/ucf101/videos/<Class>/v_<Class>_gXX_cYY.avi

Example::

    python tools/data/ucf51/prepare_ucf51.py --annotations data/ucf101/annotations \\
        --videos data/ucf101/videos --out-dir data/ucf51 --split 1 --workers 4

Writes ``ucf51_{train,test}_split_<s>_videos.txt`` (``Class/v_X.avi idx51``, 0-based in classInd order),
``classes.txt`` and ``dropped_*.txt`` (videos missing, unreadable or without an audio stream; in split 1
UCF-101 has 9 such training videos). See docs/data_preparation.md.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from mmavssl.datasets.preparation import InputError, filter_playable, write_prepared
from mmavssl.datasets.splits import VideoEntry, read_class_index, read_ucf_split
from mmavssl.utils.cli import HelpFormatter

# (class name, 1-based index in classInd.txt); list position = idx51.
UCF51_CLASSES: tuple[tuple[str, int], ...] = (
    ('ApplyEyeMakeup', 1), ('ApplyLipstick', 2), ('Archery', 3), ('BabyCrawling', 4), ('BalanceBeam', 5),
    ('BandMarching', 6), ('BasketballDunk', 9), ('BlowDryHair', 13), ('BlowingCandles', 14),
    ('BodyWeightSquats', 15), ('Bowling', 16), ('BoxingPunchingBag', 17), ('BoxingSpeedBag', 18),
    ('BrushingTeeth', 20), ('CliffDiving', 22), ('CricketBowling', 23), ('CricketShot', 24),
    ('CuttingInKitchen', 25), ('FieldHockeyPenalty', 29), ('FloorGymnastics', 30), ('FrisbeeCatch', 31),
    ('FrontCrawl', 32), ('Haircut', 34), ('Hammering', 35), ('HammerThrow', 36), ('HandstandPushups', 37),
    ('HandstandWalking', 38), ('HeadMassage', 39), ('IceDancing', 44), ('Knitting', 50), ('LongJump', 51),
    ('MoppingFloor', 55), ('ParallelBars', 57), ('PlayingCello', 59), ('PlayingDaf', 60), ('PlayingDhol', 61),
    ('PlayingFlute', 62), ('PlayingSitar', 65), ('Rafting', 73), ('ShavingBeard', 78), ('Shotput', 79),
    ('SkyDiving', 83), ('SoccerPenalty', 85), ('StillRings', 86), ('SumoWrestling', 87), ('Surfing', 88),
    ('TableTennisShot', 90), ('Typing', 95), ('UnevenBars', 96), ('WallPushups', 99), ('WritingOnBoard', 100))


def ucf51_entries(entries: Sequence[VideoEntry]) -> list[VideoEntry]:
    """Keep the entries of the 51 classes and relabel them with idx51.

    Args:
        entries: UCF-101 entries with 0-based UCF-101 labels (classInd order).

    Returns:
        Entries of UCF-51 classes, labels 0..50.
    """
    to51 = {idx - 1: i for i, (_, idx) in enumerate(UCF51_CLASSES)}
    return [VideoEntry(e.path, to51[e.label]) for e in entries if e.label in to51]


def check_class_index(names: Sequence[str], path: Path) -> None:
    """Raise :class:`InputError` unless classInd.txt has the 51 classes at their official indices."""
    for name, idx in UCF51_CLASSES:
        found = names[idx - 1] if idx <= len(names) else None
        if found != name:
            raise InputError(f'{path}: expected class {name!r} at index {idx}, found {found!r}; '
                             'use the official UCF-101 classInd.txt')


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    p.add_argument('--annotations', required=True, help='folder with classInd.txt, trainlist0X/testlist0X.txt')
    p.add_argument('--videos', required=True, help='UCF-101 videos folder (<Class>/v_*.avi)')
    p.add_argument('--out-dir', required=True, help='folder of the lists and class names written')
    p.add_argument('--split', type=int, choices=(1, 2, 3), default=1, help='official UCF-101 split')
    p.add_argument('--workers', type=int, default=1, help='processes probing the videos')
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the UCF-51 lists; return 0, or 2 on invalid input."""
    args = parse_args(argv)
    ann = Path(args.annotations)
    try:
        names = read_class_index(ann / 'classInd.txt')
        check_class_index(names, ann / 'classInd.txt')
        lists, dropped, candidates = {}, {}, {}
        for subset, file in (('train', f'trainlist0{args.split}.txt'), ('test', f'testlist0{args.split}.txt')):
            entries = ucf51_entries(read_ucf_split(ann / file, names))
            name = f'ucf51_{subset}_split_{args.split}_videos.txt'
            candidates[name] = len(entries)
            lists[name], dropped[name] = filter_playable(entries, args.videos, args.workers)
    except (ValueError, FileNotFoundError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    write_prepared(args.out_dir, lists, [n for n, _ in UCF51_CLASSES], dropped, candidates)
    return 0


if __name__ == '__main__':
    sys.exit(main())
