"""Markdown table of the finished runs of a study so far: test metrics and the paired difference to a baseline.

Reads ``<work-dir>/<row>/seed<S>/test_final/`` (the test metrics JSON and ``predictions.pkl`` that
``run_benchmark.py`` writes), so it reports a study that is still running or was stopped.

Example::

    python tools/analysis/paired_table.py work_dirs/study_synthetic --rows asl_1shot av_tubetoken_1shot \\
        --baseline supervised_av_1shot --seeds 0 1 2
"""
import argparse
import glob
import json
import os
from typing import List, Optional, Sequence

from mmavssl.studies import compare_predictions
from mmavssl.utils.cli import HelpFormatter

METRICS = ('acc/top1', 'subset/sound_names_class', 'subset/sound_ambiguous')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    p.add_argument('work_dir', help='study root (run_benchmark.py --work-dir)')
    p.add_argument('--rows', nargs='+', required=True, help='compared rows (entry names)')
    p.add_argument('--baseline', required=True, help='row every compared row is paired with, seed by seed')
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2], help='seeds to report')
    p.add_argument('--metrics', nargs='+', default=list(METRICS), help='test metrics to show (x100)')
    return p.parse_args(argv)


def table(work_dir: str, rows: Sequence[str], baseline: str, seeds: Sequence[int],
          metrics: Sequence[str] = METRICS) -> str:
    """The table; runs without a finished test are left out.

    Args:
        work_dir: Study root.
        rows: Compared rows.
        baseline: Baseline row.
        seeds: Seeds.
        metrics: Metric names of the test JSON.

    Returns:
        Markdown lines.
    """
    lines = ['| row | seed | ' + ' | '.join(f'{m} (%)' for m in metrics) + f' | minus {baseline} (points, 95 %) |',
             '|---|---|' + '---|' * len(metrics) + '---|']
    for row in [baseline, *rows]:
        for seed in seeds:
            run = os.path.join(work_dir, row, f'seed{seed}', 'test_final')
            found = sorted(glob.glob(os.path.join(run, '*', '*.json')))
            if not found:
                continue
            with open(found[-1]) as f:
                values = json.load(f)
            cells = ' | '.join(f'{100 * values[m]:.2f}' if m in values else '-' for m in metrics)
            paired = ''
            base = os.path.join(work_dir, baseline, f'seed{seed}', 'test_final', 'predictions.pkl')
            if row != baseline and os.path.isfile(base):
                c = compare_predictions(base, os.path.join(run, 'predictions.pkl'))
                paired = f'{100 * c["diff"]:+.2f} [{100 * c["low"]:+.2f}, {100 * c["high"]:+.2f}]'
            lines.append(f'| {row} | {seed} | {cells} | {paired} |')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    """Print the table."""
    args = parse_args(argv)
    print(table(args.work_dir, args.rows, args.baseline, args.seeds, args.metrics))


if __name__ == '__main__':
    main()
