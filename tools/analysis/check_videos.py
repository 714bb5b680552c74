"""List every missing, unreadable or silent video of an annotation file before a long run.

Example::

    python tools/analysis/check_videos.py data/ucf51/test.txt --data-prefix data/ucf51/videos --workers 8

Exits 1 when any problem is found (each is printed on its own line), 0 otherwise.
"""
import argparse
import sys

from mmavssl.datasets import UnlabeledAVVideoDataset
from mmavssl.datasets.check import check_videos
from mmavssl.utils.cli import HelpFormatter


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument('ann_file', help='annotation list ("<path> [<label>]" per line)')
    parser.add_argument('--data-prefix', default='', help="the dataset's data_prefix['video']")
    parser.add_argument('--audio-prefix', default='', help="the dataset's data_prefix['audio'] (wav files), if any")
    parser.add_argument('--no-audio-ok', action='store_true', help='do not report videos without audio')
    parser.add_argument('--workers', type=int, default=4, help='parallel processes')
    return parser.parse_args()


def main() -> None:
    """Check and report."""
    args = parse_args()
    dataset = UnlabeledAVVideoDataset(args.ann_file, pipeline=[],
                                      data_prefix=dict(video=args.data_prefix, audio=args.audio_prefix))
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    problems = check_videos([(info['filename'], info.get('audio_path')) for info in infos],
                            require_audio=not args.no_audio_ok, workers=args.workers)
    print(f'\n{len(problems)} problem(s) in {len(infos)} videos of {args.ann_file}')
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
