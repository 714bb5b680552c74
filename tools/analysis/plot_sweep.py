"""Plot accuracy against a swept parameter from a run_benchmark.py study (see docs/benchmark.md).

Example (paper Fig. 4: top-1 versus tau_mix, one line per threshold group)::

    python tools/analysis/plot_sweep.py work_dirs/fig4/benchmark.json --param tau_mix --out work_dirs/fig4/tau_mix.png

Writes the PNG and a markdown table with the same numbers next to it (``<out>`` with ``.md``).
"""
import argparse
from pathlib import Path
from typing import List, Optional

from mmavssl.studies import load_runs, plot_sweep, sweep_markdown, sweep_points
from mmavssl.utils.cli import HelpFormatter


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    parser.add_argument('results', help='benchmark.json or benchmark.csv written by run_benchmark.py')
    parser.add_argument('--param', required=True,
                        help='parameter: "x" (the spec field), a cfg_options key (or its last part), or NAME '
                             'as in run names "NAME=value"')
    parser.add_argument('--metric', default='acc/top1', help='metric to plot (default acc/top1)')
    parser.add_argument('--checkpoint', default='final', choices=('final', 'best'), help='checkpoint kind')
    parser.add_argument('--out', help='PNG path (default: sweep_<param>.png next to the results)')
    parser.add_argument('--title', help='figure title')
    parser.add_argument('--label', help='x-axis label and table header (default: --param)')
    parser.add_argument('--log-x', action='store_true', help='logarithmic x axis')
    parser.add_argument('--overwrite', action='store_true', help='replace existing PNG/markdown files')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    """Aggregate, plot and tabulate."""
    args = parse_args(argv)
    safe = ''.join(c if c.isalnum() or c in '._-' else '_' for c in args.param)
    out = Path(args.out) if args.out else Path(args.results).with_name(f'sweep_{safe}.png')
    table = out.with_suffix('.md')
    existing = [str(p) for p in (out, table) if p.exists()]
    if existing and not args.overwrite:
        raise SystemExit(f'{existing} exist; pass --overwrite to replace them or --out for another name.')
    points, left_out = sweep_points(load_runs(args.results), args.param, args.metric, args.checkpoint)
    if left_out:
        print(f'left out {len(left_out)} entries without {args.param}: {", ".join(left_out)}')
    label = args.label or args.param
    text = sweep_markdown(points, label, args.metric)
    plot_sweep(points, out, label, args.metric, args.title, args.log_x)
    table.write_text(text)
    print(text)
    print(f'written: {out}, {table}')


if __name__ == '__main__':
    main()
