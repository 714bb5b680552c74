"""Summarise training logs: mean iteration time, data-wait fraction and the mean of chosen scalars.

Reads mmengine's ``<work_dir>/<timestamp>/vis_data/scalars.json`` (one JSON object per logged iteration; with
several timestamps, the newest run that logged training iterations). Examples::

    python tools/analysis/analyze_logs.py work_dirs/study_synthetic/asl_1shot/seed*
    python tools/analysis/analyze_logs.py work_dirs/study_synthetic/*/seed0 --keys mask_ratio pseudo_acc --last 100

Prints a markdown table: work dir, logged iterations, mean ``time`` and ``data_time`` (s per iteration,
skipping the first ``--skip`` logged iterations, which include start-up), data-wait fraction (data_time / time),
and each ``--keys`` scalar averaged over the last ``--last`` iterations (``—`` where a run does not log it).
"""
import argparse
import json
import math
from pathlib import Path
from typing import Dict, List, Optional, Sequence


def load_train_scalars(work_dir: Path) -> List[Dict[str, float]]:
    """Logged training iterations of the newest run in ``work_dir`` (entries with ``iter`` and ``time``).

    Args:
        work_dir: A ``tools/train.py`` work dir.

    Returns:
        The scalar dicts in logging order.

    Raises:
        FileNotFoundError: No ``*/vis_data/scalars.json`` with training iterations under ``work_dir``.
    """
    for path in sorted(work_dir.glob('*/vis_data/scalars.json'), reverse=True):
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        rows = [r for r in rows if 'iter' in r and 'time' in r]
        if rows:
            return rows
    raise FileNotFoundError(f'{work_dir}: no */vis_data/scalars.json with training iterations; is it a '
                            'tools/train.py work dir (LoggerHook on, vis_backends with LocalVisBackend)?')


def summarize_run(rows: Sequence[Dict[str, float]], keys: Sequence[str], last: int, skip: int) -> Dict[str, float]:
    """Timing and scalar means of one run.

    Args:
        rows: From :func:`load_train_scalars`.
        keys: Scalars to average over the last ``last`` logged iterations.
        last: Window of logged iterations for ``keys``.
        skip: Logged iterations left out of the timing at the start.

    Returns:
        ``iters`` (last logged iteration), ``time``, ``data_time``, ``data_fraction`` and one entry per key
        (NaN where no row in the window has it).
    """
    timed = list(rows[skip:]) or list(rows)
    time = sum(r['time'] for r in timed) / len(timed)
    data = sum(r.get('data_time', 0.0) for r in timed) / len(timed)
    out = dict(iters=float(rows[-1]['iter']), time=time, data_time=data, data_fraction=data / time if time else 0.0)
    window = rows[-last:]
    for key in keys:
        values = [r[key] for r in window if key in r]
        out[key] = sum(values) / len(values) if values else math.nan
    return out


def markdown(summaries: Dict[str, Dict[str, float]], keys: Sequence[str]) -> str:
    """Markdown table of :func:`summarize_run` results keyed by work dir."""
    header = ['work dir', 'iterations', 's / iter', 'data s / iter', 'data wait', *keys]
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    for name, s in summaries.items():
        cells = [name, f'{s["iters"]:.0f}', f'{s["time"]:.3f}', f'{s["data_time"]:.3f}', f'{100 * s["data_fraction"]:.0f} %']
        cells += ['—' if math.isnan(s[k]) else f'{s[k]:.3f}' for k in keys]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def main(argv: Optional[List[str]] = None) -> str:
    """Print (and return) the table for the work dirs on the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    parser.add_argument('work_dirs', nargs='+', type=Path, help='tools/train.py work dirs')
    parser.add_argument('--keys', nargs='*', default=[], help='scalars to average (e.g. mask_ratio pseudo_acc)')
    parser.add_argument('--last', type=int, default=50, help='logged iterations averaged for --keys')
    parser.add_argument('--skip', type=int, default=2, help='first logged iterations left out of the timing')
    args = parser.parse_args(argv)
    if args.last < 1 or args.skip < 0:
        parser.error('--last must be >= 1 and --skip >= 0')
    summaries = {str(d): summarize_run(load_train_scalars(d), args.keys, args.last, args.skip)
                 for d in args.work_dirs}
    text = markdown(summaries, args.keys)
    print(text, end='')
    return text


if __name__ == '__main__':
    main()
