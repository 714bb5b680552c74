"""Accuracy-versus-parameter plots and tables from a benchmark study's ``benchmark.json``/``.csv``.

Each finished run gets its parameter value from (in this order) its ``x`` field (``param='x'``), a
``cfg_options`` key equal to ``param`` or ending in ``.<param>``, or a ``<param>=<value>`` token in its name
(tokens separated by ``_``, ``,``, ``-``, ``/`` or spaces). Runs are grouped by their ``group`` (one line each) and
value; several seeds give mean ± sample std (error bars).
"""
import csv
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from .benchmark import METRIC_LABELS, XValue, format_mean_std, mean_std


@dataclass
class SweepPoint:
    """One (group, parameter value) of a sweep.

    Attributes:
        group: Line label ('' for runs without a group).
        x: Parameter value (a float when numeric).
        n: Number of runs (seeds) averaged.
        mean: Mean metric (fraction).
        std: Sample standard deviation (ddof=1), None for a single run.
        names: Run (entry) names that contributed.
    """

    group: str
    x: Union[float, str]
    n: int
    mean: float
    std: Optional[float]
    names: List[str]


def load_runs(path: Union[str, os.PathLike]) -> List[Dict[str, Any]]:
    """Read the runs of a study from ``benchmark.json`` or ``benchmark.csv`` (as written by ``write_outputs``).

    Args:
        path: The JSON or CSV file.

    Returns:
        One dict per run with ``name``, ``group``, ``x``, ``seed``, ``checkpoint``, ``status``, ``cfg_options``
        and ``metrics`` (metric -> float).
    """
    path = Path(path)
    if path.suffix == '.json':
        with open(path) as f:
            data = json.load(f)
        if 'runs' not in data:
            raise ValueError(f'{path} has no "runs"; pass the benchmark.json that run_benchmark.py wrote.')
        return data['runs']
    if path.suffix != '.csv':
        raise ValueError(f'{path}: expected a benchmark .json or .csv file.')
    fixed = {'name', 'group', 'x', 'seed', 'checkpoint', 'status', 'config', 'cfg_options', 'work_dir', 'message'}
    runs = []
    with open(path, newline='') as f:
        for row in csv.DictReader(f):
            runs.append(dict(name=row['name'], group=row['group'] or None, x=row['x'] or None, seed=int(row['seed']),
                             checkpoint=row['checkpoint'], status=row['status'],
                             cfg_options=json.loads(row['cfg_options'] or '{}'),
                             metrics={k: float(v) for k, v in row.items() if k not in fixed and v != ''}))
    return runs


def _as_number(value: Any) -> Union[float, str]:
    """A float when ``value`` reads as a number, else the value as text."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def param_value(run: Dict[str, Any], param: str) -> Optional[Union[float, str]]:
    """The value of ``param`` for one run (see the module docstring for where it is looked up), or None.

    Args:
        run: A run dict from :func:`load_runs`.
        param: Parameter name, e.g. ``'tau_mix'``, or ``'x'`` for the entry's ``x`` field.

    Returns:
        The value (float when numeric), or None when the run does not carry it.
    """
    if param == 'x':
        return None if run.get('x') is None else _as_number(run['x'])
    for key, value in (run.get('cfg_options') or {}).items():
        if key == param or key.endswith('.' + param):
            return _as_number(value)
    match = re.search(r'(?:^|[_,\s/-])' + re.escape(param) + r'=([^_,\s/]+)', run['name'])
    return _as_number(match.group(1)) if match else None


def sweep_points(runs: Sequence[Dict[str, Any]], param: str, metric: str = 'acc/top1',
                 checkpoint: str = 'final') -> Tuple[List[SweepPoint], List[str]]:
    """Aggregate the finished runs of one checkpoint kind by (group, parameter value).

    Args:
        runs: From :func:`load_runs`.
        param: Parameter name (see :func:`param_value`).
        metric: Metric to aggregate.
        checkpoint: ``'final'`` or ``'best'``.

    Returns:
        The points (groups in first-seen order, values sorted; numbers before text) and the names of the
        finished runs that do not carry ``param`` (left out).
    """
    values: Dict[Tuple[str, Union[float, str]], List[Tuple[str, float]]] = {}
    left_out = []
    for run in runs:
        if run['status'] != 'done' or run['checkpoint'] != checkpoint:
            continue
        x = param_value(run, param)
        if x is None:
            left_out.append(run['name'])
            continue
        if metric not in run['metrics']:
            raise KeyError(f'run {run["name"]} seed {run["seed"]} has no metric {metric} (it has '
                           f'{sorted(run["metrics"])}).')
        values.setdefault((run.get('group') or '', x), []).append((run['name'], run['metrics'][metric]))
    if not values:
        raise ValueError(f'no finished "{checkpoint}" run carries {param!r} (as x, a cfg_options key or '
                         f'"{param}=value" in its name).')
    groups = list(dict.fromkeys(group for group, _ in values))
    points = []
    for group in groups:
        xs = sorted((x for g, x in values if g == group), key=lambda v: (isinstance(v, str), v))
        for x in xs:
            names, vals = zip(*values[(group, x)])
            mean, std = mean_std(vals)
            points.append(SweepPoint(group=group, x=x, n=len(vals), mean=mean, std=std,
                                     names=list(dict.fromkeys(names))))
    return points, list(dict.fromkeys(left_out))


def _format_x(x: XValue) -> str:
    """Parameter value as printed: integers without a trailing ``.0``."""
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def sweep_markdown(points: Sequence[SweepPoint], param: str, metric: str = 'acc/top1') -> str:
    """Markdown table of the points: group, value, n and mean ± std (in %).

    Args:
        points: From :func:`sweep_points`.
        param: Parameter name (column header).
        metric: Metric name (column header).

    Returns:
        The table text.
    """
    lines = [f'| group | {param} | n | {METRIC_LABELS.get(metric, metric)} |', '|---|---|---|---|']
    lines += [f'| {p.group} | {_format_x(p.x)} | {p.n} | {format_mean_std(p.mean, p.std)} |' for p in points]
    return '\n'.join(lines) + '\n'


def plot_sweep(points: Sequence[SweepPoint], out_path: Union[str, os.PathLike], param: str,
               metric: str = 'acc/top1', title: Optional[str] = None, log_x: bool = False) -> Path:
    """Draw metric (in %) versus parameter, one line per group, error bars of ± std where several seeds exist.

    Text values are placed at equal spacing with their labels as ticks.

    Args:
        points: From :func:`sweep_points`.
        out_path: PNG file to write (its folder is created).
        param: x-axis label.
        metric: Metric name (y-axis label).
        title: Optional figure title.
        log_x: Logarithmic x axis (numeric values only).

    Returns:
        The written path.
    """
    try:
        import matplotlib
    except ImportError as err:
        raise ImportError('plotting needs matplotlib: pip install -r requirements/optional.txt') from err
    matplotlib.use('Agg')  # files only; no display is needed or wanted
    import matplotlib.pyplot as plt

    numeric = all(isinstance(p.x, float) for p in points)
    categories = list(dict.fromkeys(_format_x(p.x) for p in points))
    fig, ax = plt.subplots(figsize=(5, 3.5), dpi=120)
    for group in dict.fromkeys(p.group for p in points):
        line = [p for p in points if p.group == group]
        xs = [p.x if numeric else categories.index(_format_x(p.x)) for p in line]
        errs = [0.0 if p.std is None else p.std * 100 for p in line]
        ax.errorbar(xs, [p.mean * 100 for p in line], yerr=errs if any(errs) else None, marker='o', capsize=3,
                    label=group or METRIC_LABELS.get(metric, metric))
    if not numeric:
        ax.set_xticks(range(len(categories)), categories)
    elif log_x:
        ax.set_xscale('log')
    ax.set_xlabel(param)
    ax.set_ylabel(METRIC_LABELS.get(metric, metric))
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_path)
    plt.close(fig)
    return out_path
