"""Train and test configs over several seeds and tabulate accuracy as mean ± std (see docs/benchmark.md).

Examples::

    python tools/analysis/run_benchmark.py configs/synthetic/supervised_av_1shot.py configs/synthetic/asl_1shot.py \\
        --work-dir work_dirs/study --seeds 0 1 2
    python tools/analysis/run_benchmark.py --spec study.yaml --work-dir work_dirs/study --checkpoints final best
    python tools/analysis/run_benchmark.py --spec study.yaml --work-dir work_dirs/study --dry-run

Writes ``<out>.md`` (table), ``<out>.json`` and ``<out>.csv`` (every run); ``<out>`` defaults to
``<work-dir>/benchmark``. Finished runs are skipped on a rerun. The exit status is 1 when any run is not done.
"""
import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import List, Optional

os.environ.setdefault('HF_HUB_OFFLINE', '1')

from mmengine.config import DictAction  # noqa: E402

from mmavssl.studies import (CHECKPOINT_KINDS, DEFAULT_FLOPS_FN, DEFAULT_METRICS,  # noqa: E402
                             BenchmarkEntry, entry_complexity, load_spec, run_study, summarize, write_outputs)
from mmavssl.utils.cli import HelpFormatter  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    parser.add_argument('configs', nargs='*', help='config files (row name: the file name without .py)')
    parser.add_argument('--spec', help='study spec (.py/.yaml/.json) with "entries" (and optional "seeds", '
                                       '"cfg_options"); see docs/benchmark.md')
    parser.add_argument('--work-dir', required=True, help='study root: runs go to <work-dir>/<name>/seed<S>')
    parser.add_argument('--seeds', type=int, nargs='+', help='training seeds (default: the spec\'s, else 0)')
    parser.add_argument('--group', help='group label of the positional configs')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='overrides for every run (an entry\'s own cfg_options win)')
    parser.add_argument('--checkpoints', nargs='+', choices=CHECKPOINT_KINDS, default=['final'],
                        help='checkpoints to test: final (default) and/or best (selected on the validation set)')
    parser.add_argument('--metrics', nargs='+', default=list(DEFAULT_METRICS), help='test metrics to collect')
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument('--resume', action='store_true', help='resume half-finished runs (train.py --resume)')
    mode.add_argument('--restart', action='store_true',
                      help='move half-finished or stale run dirs to <dir>.old-<time> and start them again')
    parser.add_argument('--dry-run', action='store_true', help='print the commands; run and write nothing')
    parser.add_argument('--train-args', default='', help='extra tools/train.py arguments, e.g. "--deterministic"')
    parser.add_argument('--test-args', default='', help='extra tools/test.py arguments')
    parser.add_argument('--timeout', type=float, help='seconds per train/test subprocess before it is killed')
    parser.add_argument('--flops', nargs='?', const=DEFAULT_FLOPS_FN, metavar='MODULE:FUNC',
                        help=f'add complexity columns from FUNC(config) -> dict (default {DEFAULT_FLOPS_FN}); '
                             'skipped with a warning when it cannot be imported')
    parser.add_argument('--best-pattern', default='best_*.pth', help='glob of the validation-best checkpoint')
    parser.add_argument('--tools-dir', help='folder with train.py and test.py (default: this checkout\'s tools/)')
    parser.add_argument('--out', help='output path without extension (default: <work-dir>/benchmark)')
    args = parser.parse_args(argv)
    if not args.configs and not args.spec:
        parser.error('give config files and/or --spec')
    return args


def collect_entries(args: argparse.Namespace) -> List[BenchmarkEntry]:
    """Entries from the spec file followed by the positional configs; apply the spec's study-wide settings."""
    entries = []
    if args.spec:
        entries, settings = load_spec(args.spec)
        args.seeds = args.seeds or settings.get('seeds')
        args.cfg_options = {**settings.get('cfg_options', {}), **args.cfg_options}
    entries += [BenchmarkEntry(name=Path(c).stem, config=c, group=args.group) for c in args.configs]
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise SystemExit(f'row names must be unique, got {names}; list such configs in a --spec with names.')
    args.seeds = args.seeds or [0]
    return entries


def main(argv: Optional[List[str]] = None) -> int:
    """Run the study and write its table; return the exit status."""
    args = parse_args(argv)
    entries = collect_entries(args)
    records = run_study(entries, args.work_dir, args.seeds, checkpoints=args.checkpoints, metrics=args.metrics,
                        cfg_options=args.cfg_options, resume=args.resume, restart=args.restart,
                        dry_run=args.dry_run, train_args=shlex.split(args.train_args),
                        test_args=shlex.split(args.test_args),
                        tools_dir=args.tools_dir or Path(__file__).resolve().parents[1], timeout=args.timeout,
                        best_pattern=args.best_pattern)
    if args.dry_run:
        return 0
    extra = entry_complexity(entries, args.flops, args.cfg_options) if args.flops else None
    rows = summarize(records, args.metrics, extra)
    paths = write_outputs(records, rows, args.out or Path(args.work_dir) / 'benchmark', args.metrics)
    print(paths['md'].read_text())
    print('written: ' + ', '.join(str(p) for p in paths.values()))
    return int(any(r.status != 'done' for r in records))


if __name__ == '__main__':
    sys.exit(main())
