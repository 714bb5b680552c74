"""Summarise and plot training logs (mmaction2's ``analyze_logs.py`` commands, on mmengine's scalar logs).

Reads mmengine's ``<work_dir>/<timestamp>/vis_data/scalars.json`` (one JSON object per logged iteration or
validation; with several timestamps, the newest run that logged training iterations). Examples::

    python tools/analysis/analyze_logs.py work_dirs/study_synthetic/asl_1shot/seed*
    python tools/analysis/analyze_logs.py work_dirs/study_synthetic/*/seed0 --keys mask_ratio pseudo_acc --last 100
    python tools/analysis/analyze_logs.py plot_curve work_dirs/asl_1shot --keys loss mask_ratio pseudo_acc \
        --out curves.png
    python tools/analysis/analyze_logs.py cal_train_time work_dirs/asl_1shot

Without a command it prints a markdown table: work dir, logged iterations, mean ``time`` and ``data_time`` (s
per iteration, skipping the first ``--skip`` logged iterations, which include start-up), data-wait fraction
(data_time / time), and each ``--keys`` scalar averaged over the last ``--last`` iterations (``—`` where a run
does not log it). ``plot_curve`` draws each ``--keys`` scalar against the iteration (training scalars at their
``iter``, validation metrics such as ``acc/top1`` at their ``step``), one panel per key and one line per work
dir, into a PNG. ``cal_train_time`` prints the mean, spread, slowest and fastest logged iteration time.
"""
import argparse
import json
import math
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmavssl.utils.cli import HelpFormatter


def _is_train(row: Dict[str, float]) -> bool:
    """Whether a scalar record is a logged training iteration (validation records have ``step``, no ``iter``)."""
    return 'iter' in row and 'time' in row


def load_run_scalars(work_dir: Path) -> List[Dict[str, float]]:
    """Every record (training and validation) of the newest run in ``work_dir`` that logged training iterations.

    Args:
        work_dir: A ``tools/train.py`` work dir.

    Returns:
        The scalar dicts in logging order.

    Raises:
        FileNotFoundError: No ``*/vis_data/scalars.json`` with training iterations under ``work_dir``.
    """
    for path in sorted(work_dir.glob('*/vis_data/scalars.json'), reverse=True):
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if any(_is_train(r) for r in rows):
            return rows
    raise FileNotFoundError(f'{work_dir}: no */vis_data/scalars.json with training iterations; is it a '
                            'tools/train.py work dir (LoggerHook on, vis_backends with LocalVisBackend)?')


def load_train_scalars(work_dir: Path) -> List[Dict[str, float]]:
    """The logged training iterations of :func:`load_run_scalars` (entries with ``iter`` and ``time``)."""
    return [r for r in load_run_scalars(work_dir) if _is_train(r)]


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


def curve(rows: Sequence[Dict[str, float]], key: str) -> Tuple[List[float], List[float]]:
    """``(x, y)`` of one scalar: training records at ``iter``, validation records at ``step``.

    Args:
        rows: From :func:`load_run_scalars`.
        key: Scalar name, e.g. ``loss`` or ``acc/top1``.

    Returns:
        Iterations and values, in logging order (empty when the run does not log ``key``).
    """
    points = [(r['iter'] if 'iter' in r else r.get('step'), r[key]) for r in rows if key in r]
    points = [(x, y) for x, y in points if x is not None]
    return [float(x) for x, _ in points], [float(y) for _, y in points]


def plot_curve(runs: Dict[str, Sequence[Dict[str, float]]], keys: Sequence[str], out: Path,
               title: Optional[str] = None) -> Path:
    """One panel per key, one line per run, written as a PNG.

    Args:
        runs: Legend -> :func:`load_run_scalars` records.
        keys: Scalars to draw.
        out: PNG file (an existing one is refused by :func:`main`).
        title: Figure title.

    Returns:
        ``out``.

    Raises:
        KeyError: No run logs one of ``keys``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    absent = [k for k in keys if not any(curve(rows, k)[0] for rows in runs.values())]
    if absent:
        logged = sorted({k for rows in runs.values() for r in rows for k in r} - {'iter', 'step', 'epoch'})
        raise KeyError(f'no run logs {absent}; logged scalars: {logged}')
    figure, axes = plt.subplots(len(keys), 1, figsize=(7, 2.6 * len(keys)), squeeze=False)
    for ax, key in zip(axes[:, 0], keys):
        for name, rows in runs.items():
            x, y = curve(rows, key)
            if x:
                ax.plot(x, y, marker='o' if len(x) < 20 else None, markersize=3, label=name)
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel('iteration')
    axes[0, 0].legend(fontsize=8)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(out, dpi=100)
    plt.close(figure)
    return out


def train_time(rows: Sequence[Dict[str, float]], include_outliers: bool = False) -> Dict[str, float]:
    """Statistics of the logged iteration times (each record's ``time`` is its logging window's mean).

    Args:
        rows: From :func:`load_train_scalars`.
        include_outliers: Keep the first record, whose window includes start-up (mmaction2 drops it too).

    Returns:
        ``mean``, ``std``, ``slowest`` / ``fastest`` (s per iteration) with their ``*_iter``, and ``total``
        (mean x last logged iteration, s).
    """
    timed = list(rows) if include_outliers or len(rows) < 2 else list(rows[1:])
    times = [r['time'] for r in timed]
    mean = sum(times) / len(times)
    slow, fast = max(timed, key=lambda r: r['time']), min(timed, key=lambda r: r['time'])
    return dict(mean=mean, std=math.sqrt(sum((t - mean) ** 2 for t in times) / len(times)),
                slowest=slow['time'], slowest_iter=float(slow['iter']), fastest=fast['time'],
                fastest_iter=float(fast['iter']), total=mean * rows[-1]['iter'])


def _main_plot_curve(argv: List[str]) -> str:
    """``plot_curve`` command."""
    parser = argparse.ArgumentParser(prog='analyze_logs.py plot_curve', allow_abbrev=False,
                                     formatter_class=HelpFormatter,
                                     description='draw scalars of training logs against the iteration')
    parser.add_argument('work_dirs', nargs='+', type=Path, help='tools/train.py work dirs')
    parser.add_argument('--keys', nargs='+', default=['loss'],
                        help='scalars, e.g. loss top1_acc acc/top1 mask_ratio pseudo_acc (default: loss)')
    parser.add_argument('--legend', nargs='+', help='one name per work dir (default: the paths)')
    parser.add_argument('--title', help='figure title')
    parser.add_argument('--out', type=Path, required=True, help='PNG file to write')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    args = parser.parse_args(argv)
    if args.legend and len(args.legend) != len(args.work_dirs):
        parser.error(f'--legend needs {len(args.work_dirs)} names, one per work dir')
    if args.out.exists() and not args.overwrite:
        parser.error(f'{args.out} exists; pass --overwrite to replace it or choose another --out')
    names = args.legend or [str(d) for d in args.work_dirs]
    plot_curve({n: load_run_scalars(d) for n, d in zip(names, args.work_dirs)}, args.keys, args.out, args.title)
    print(f'wrote {args.out}')
    return str(args.out)


def _main_train_time(argv: List[str]) -> str:
    """``cal_train_time`` command."""
    parser = argparse.ArgumentParser(prog='analyze_logs.py cal_train_time', allow_abbrev=False,
                                     formatter_class=HelpFormatter,
                                     description='iteration-time statistics of training logs')
    parser.add_argument('work_dirs', nargs='+', type=Path, help='tools/train.py work dirs')
    parser.add_argument('--include-outliers', action='store_true',
                        help='keep the first logged window (start-up) in the statistics')
    args = parser.parse_args(argv)
    lines = []
    for work_dir in args.work_dirs:
        t = train_time(load_train_scalars(work_dir), args.include_outliers)
        lines += [f'-----Analyze train time of {work_dir}-----',
                  f'slowest iter window ends at {t["slowest_iter"]:.0f}: {t["slowest"]:.4f} s/iter',
                  f'fastest iter window ends at {t["fastest_iter"]:.0f}: {t["fastest"]:.4f} s/iter',
                  f'time std over windows: {t["std"]:.4f} s/iter',
                  f'average iter time: {t["mean"]:.4f} s/iter (about {t["total"] / 60:.1f} min in all)']
    text = '\n'.join(lines) + '\n'
    print(text, end='')
    return text


COMMANDS = {'plot_curve': _main_plot_curve, 'cal_train_time': _main_train_time}


def main(argv: Optional[List[str]] = None) -> str:
    """Run a command (``plot_curve``, ``cal_train_time``) or print (and return) the summary table."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter,
                                     allow_abbrev=False)
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
