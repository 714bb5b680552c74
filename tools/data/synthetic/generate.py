"""Generate mmavssl's synthetic audio-visual dataset (H.264 + AAC clips, lists, sound-source boxes).

Examples::

    python tools/data/synthetic/generate.py data/synthetic_av                 # default CPU set
    python tools/data/synthetic/generate.py data/synthetic_av_bench --preset benchmark --workers 2
    python tools/data/synthetic/generate.py data/synthetic_av_source --preset source --workers 2
    python tools/data/synthetic/generate.py data/synthetic_av_320 --gpu-preset --workers 8
    python tools/data/synthetic/generate.py /tmp/tiny --num-shapes 2 --num-timbres 2 \\
        --train-per-class 2 --val-per-class 1 --test-per-class 1 --size 48 48 --duration 1 --shots 1

An existing finished set with the same parameters is reused; any other non-empty folder is refused
unless ``--overwrite``. See docs/synthetic_dataset.md.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from typing import Callable, Sequence

from mmavssl.synthetic import GPU_PRESET, PRESETS, SyntheticAVConfig, generate_dataset
from mmavssl.utils.cli import HelpFormatter


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line (defaults are :class:`SyntheticAVConfig`'s)."""
    d = SyntheticAVConfig()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    p.add_argument('root', help='dataset folder to create')
    p.add_argument('--num-shapes', type=int, default=d.num_shapes, help='object factor (2..4)')
    p.add_argument('--num-timbres', type=int, default=d.num_timbres, help='sound factor (1..4)')
    p.add_argument('--train-per-class', type=int, default=d.train_per_class,
                   help='training clips per class')
    p.add_argument('--val-per-class', type=int, default=d.val_per_class, help='validation clips per class')
    p.add_argument('--test-per-class', type=int, default=d.test_per_class, help='test clips per class')
    p.add_argument('--size', type=int, nargs=2, metavar=('WIDTH', 'HEIGHT'), default=(d.width, d.height),
                   help='frame size in pixels')
    p.add_argument('--fps', type=int, default=d.fps, help='frame rate')
    p.add_argument('--duration', type=float, default=d.duration, help='seconds per clip')
    p.add_argument('--sample-rate', type=int, default=d.sample_rate, help='audio rate in Hz')
    p.add_argument('--num-distractors', type=int, default=d.num_distractors,
                   help='non-sounding objects per clip (other shapes than the source)')
    p.add_argument('--distractor-pulses', action='store_true',
                   help='distractors flash too, out of sync with the audio')
    p.add_argument('--shots', type=int, nargs='+', default=list(d.shots), help='labeled clips per class')
    p.add_argument('--seed', type=int, default=d.seed, help='seed of the rendering and of the splits')
    p.add_argument('--gpu-preset', action='store_true',
                   help=f'render at {GPU_PRESET["width"]}x{GPU_PRESET["height"]}, {GPU_PRESET["fps"]} fps '
                   '(overrides --size/--fps)')
    p.add_argument('--preset', choices=sorted(set(PRESETS) - {'gpu'}),
                   help='benchmark: the semi-supervised benchmark (300/30/150 clips per class); source: the '
                   'pretraining source set (4 other classes); sets the options it names, except those typed on '
                   'the command line (e.g. --preset benchmark --train-per-class 75)')
    p.add_argument('--workers', type=int, default=1, help='parallel processes (output does not depend on it)')
    p.add_argument('--overwrite', action='store_true', help='replace a different or unfinished set in ROOT')
    args = p.parse_args(argv)
    # What was typed, so that it wins over --preset: the same parser without defaults leaves out the rest.
    for action in p._actions:
        action.default = argparse.SUPPRESS
    args.typed = set(vars(p.parse_args(argv)))
    return args


def config_from_args(args: argparse.Namespace) -> SyntheticAVConfig:
    """Build the dataset configuration from parsed arguments."""
    kwargs = dict(num_shapes=args.num_shapes, num_timbres=args.num_timbres,
                  train_per_class=args.train_per_class, val_per_class=args.val_per_class,
                  test_per_class=args.test_per_class, width=args.size[0], height=args.size[1], fps=args.fps,
                  duration=args.duration, sample_rate=args.sample_rate, num_distractors=args.num_distractors,
                  distractor_pulses=args.distractor_pulses, shots=tuple(args.shots), seed=args.seed)
    if args.preset:
        typed = {'width', 'height'} if 'size' in args.typed else set()
        typed |= set(kwargs) & args.typed
        kwargs.update({key: value for key, value in PRESETS[args.preset].items() if key not in typed})
    if args.gpu_preset:
        kwargs.update(GPU_PRESET)
    fits = [k for k in kwargs['shots'] if 1 <= k <= kwargs['train_per_class']]
    if len(fits) < len(kwargs['shots']):
        # The default --shots 1 5 needs 5 training clips per class; say which shots this set can have.
        hint = (f'pass --shots {" ".join(map(str, fits))}' if fits else
                f'pass shot counts from 1 to {kwargs["train_per_class"]}')
        raise ValueError(f'--shots {" ".join(map(str, kwargs["shots"]))} needs every shot count in '
                         f'1..--train-per-class ({kwargs["train_per_class"]}): {hint}')
    return SyntheticAVConfig(**kwargs)


def _progress_printer() -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback: one updating line on a terminal, a line per 10 % otherwise."""
    tty = sys.stderr.isatty()

    def report(done: int, total: int) -> None:
        if tty:
            print(f'\rwriting clips: {done}/{total}', end='\n' if done == total else '', file=sys.stderr,
                  flush=True)
        elif done == total or done * 10 // total > (done - 1) * 10 // total:
            print(f'writing clips: {done}/{total}', file=sys.stderr, flush=True)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Generate or reuse the dataset and print a summary; return the exit status."""
    args = parse_args(argv)
    try:
        cfg = config_from_args(args)
        start = time.perf_counter()
        manifest = generate_dataset(args.root, cfg, workers=args.workers, overwrite=args.overwrite,
                                    progress=_progress_printer())
    except (ValueError, FileExistsError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - start
    videos = sum(rel.endswith('.mp4') for rel in manifest['files'])
    verb = 'reused existing' if manifest['reused'] else f'generated in {elapsed:.1f} s'
    print(f'{verb}: {args.root} ({videos} videos, {len(cfg.classes)} classes: {", ".join(cfg.classes)})')
    print('parameters: ' + ', '.join(f'{k}={v}' for k, v in dataclasses.asdict(cfg).items()))
    print(f'content hash: {manifest["content_hash"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
