"""Reports of studies: per-row mean ± std over seeds, paired differences with bootstrap intervals, complexity
columns, markdown/JSON/CSV output, the main job's summary, and sweep plots.

Accuracy-versus-parameter plots and tables from a benchmark study's ``benchmark.json``/``.csv``.

Each finished run gets its parameter value from (in this order) its ``x`` field (``param='x'``), a
``cfg_options`` key equal to ``param`` or ending in ``.<param>``, or a ``<param>=<value>`` token in its name
(tokens separated by ``_``, ``,``, ``-``, ``/`` or spaces). Runs are grouped by their ``group`` (one line each) and
value; several seeds give mean ± sample std (error bars).
"""
import csv
import importlib
import json
import math
import os
import re
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from mmengine.config import Config

from mmavssl.evaluation.functional.paired import paired_bootstrap, paired_outcomes
from .spec import DEFAULT_METRICS, OPTIONAL_METRICS, BenchmarkEntry, RunRecord, XValue, flatten_options, \
    predictions_path, write_json

METRIC_LABELS: Dict[str, str] = {'acc/top1': 'top-1 (%)', 'acc/mean1': 'mean class acc (%)'}

DEFAULT_FLOPS_FN = 'mmavssl.studies.report:model_complexity'


@dataclass
class RowSummary:
    """Seeds of one (entry, checkpoint kind) aggregated.

    Attributes:
        name, group, x, checkpoint: Identify the row.
        n: Number of finished runs that entered the mean.
        mean: Metric -> mean over the finished runs.
        std: Metric -> sample standard deviation (ddof=1); None with fewer than two runs.
        not_done: Seeds that did not finish, with their status, e.g. ``{1: 'failed'}``.
        extra: Additional columns, e.g. parameter and FLOP counts.
    """

    name: str
    checkpoint: str
    n: int
    mean: Dict[str, float]
    std: Dict[str, Optional[float]]
    group: Optional[str] = None
    x: XValue = None
    not_done: Dict[int, str] = field(default_factory=dict)
    extra: Dict[str, float] = field(default_factory=dict)


def load_callable(path: str) -> Callable:
    """Import ``'package.module:function'`` and return the function.

    Args:
        path: Module path and attribute, separated by a colon.

    Returns:
        The attribute.
    """
    module, sep, attr = path.partition(':')
    if not sep or not module or not attr:
        raise ValueError(f'expected "package.module:function", got {path!r}')
    return getattr(importlib.import_module(module), attr)


def mean_std(values: Sequence[float]) -> Tuple[float, Optional[float]]:
    """Mean and sample standard deviation (ddof=1; None for fewer than two values).

    Args:
        values: At least one number.

    Returns:
        (mean, std).
    """
    if not values:
        raise ValueError('mean_std needs at least one value')
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, None
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def format_mean_std(mean: Optional[float], std: Optional[float], scale: float = 100.0, digits: int = 2) -> str:
    """``'mean ± std'`` after multiplying by ``scale``; only the mean without std, ``'—'`` without a mean."""
    if mean is None:
        return '—'
    text = f'{mean * scale:.{digits}f}'
    return text if std is None else f'{text} ± {std * scale:.{digits}f}'


def _groups(records: Sequence[RunRecord]) -> Dict[Tuple[str, str], List[RunRecord]]:
    """Records grouped by (row name, checkpoint kind), in first-seen order."""
    groups: Dict[Tuple[str, str], List[RunRecord]] = {}
    for record in records:
        groups.setdefault((record.name, record.checkpoint), []).append(record)
    return groups


def summarize(records: Sequence[RunRecord], metrics: Sequence[str] = DEFAULT_METRICS,
              extra: Optional[Mapping[str, Mapping[str, float]]] = None) -> List[RowSummary]:
    """Aggregate the finished seeds of each (entry, checkpoint kind), in first-seen order.

    Args:
        records: Records from :func:`run_study` (or read back from its JSON).
        metrics: Metrics to aggregate.
        extra: Entry name -> additional columns (e.g. from :func:`entry_complexity`).

    Returns:
        One :class:`RowSummary` per (entry, checkpoint kind).
    """
    rows = []
    for (name, kind), runs in _groups(records).items():
        finished = [r for r in runs if r.status == 'done']
        stats = {m: mean_std([r.metrics[m] for r in finished]) for m in metrics} if finished else {}
        rows.append(RowSummary(name=name, checkpoint=kind, n=len(finished),
                               mean={m: s[0] for m, s in stats.items()}, std={m: s[1] for m, s in stats.items()},
                               group=runs[0].group, x=runs[0].x,
                               not_done={r.seed: r.status for r in runs if r.status != 'done'},
                               extra=dict((extra or {}).get(name, {}))))
    return rows


def _format_number(value: Optional[float]) -> str:
    """Table cell for an extra column."""
    return '—' if value is None else f'{value:.4g}'


def markdown_table(rows: Sequence[RowSummary], records: Sequence[RunRecord],
                   metrics: Sequence[str] = DEFAULT_METRICS) -> str:
    """Markdown table of the rows (accuracies in %, mean ± sample std over seeds) with notes on unfinished runs.

    Args:
        rows: From :func:`summarize`.
        records: The records the rows came from (for the notes).
        metrics: Metric columns.

    Returns:
        The table, followed by one bullet per run that is not done.
    """
    extra_cols = list(dict.fromkeys(col for row in rows for col in row.extra))
    header = ['name', 'group', 'x', 'checkpoint', 'n'] + [METRIC_LABELS.get(m, m) for m in metrics] + \
        extra_cols + ['not done']
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    for row in rows:
        cells = [row.name, row.group or '', '' if row.x is None else str(row.x), row.checkpoint, str(row.n)]
        cells += [format_mean_std(row.mean.get(m), row.std.get(m)) for m in metrics]
        cells += [_format_number(row.extra.get(col)) for col in extra_cols]
        cells += [', '.join(f'seed {s}: {st}' for s, st in row.not_done.items())]
        lines.append('| ' + ' | '.join(cells) + ' |')
    # A failed training fails every checkpoint kind of the run with one message: one note per message.
    kinds: Dict[Tuple[str, int, str, str], List[str]] = {}
    for r in records:
        if r.status != 'done' and r.message:
            kinds.setdefault((r.name, r.seed, r.status, r.message), []).append(r.checkpoint)
    notes = [f'- {name} seed {seed} ({", ".join(ks)}): {status}: {message}'
             for (name, seed, status, message), ks in kinds.items()]
    return '\n'.join(lines + ([''] + notes if notes else [])) + '\n'


def paired_table(records: Sequence[RunRecord], num_samples: int = 10000) -> str:
    """Markdown table of every row's paired top-1 difference to its ``paired_with`` row.

    For each (row, checkpoint kind), the seeds both rows finished are compared on the same test clips: the
    difference per seed and over all of them, with a 95 % bootstrap interval over clips and seeds.

    Args:
        records: From :func:`run_study` (with the runs' prediction dumps on disk).
        num_samples: Bootstrap samples.

    Returns:
        The table, or an empty string when no row names a ``paired_with``.
    """
    done = {(r.name, r.seed, r.checkpoint): r for r in records if r.status == 'done'}
    lines = []
    for (name, kind), runs in _groups(records).items():
        for base in runs[0].paired_with:
            pairs = [(done[(name, r.seed, kind)], done[(base, r.seed, kind)]) for r in runs
                     if (name, r.seed, kind) in done and (base, r.seed, kind) in done]
            if pairs:
                lines.append(_paired_row(name, base, kind, pairs, num_samples))
    if not lines:
        return ''
    header = ['| row | paired with | checkpoint | seeds | top-1 difference per seed (points) | mean | '
              '95 % interval (clips and seeds) | test clips |', '|---|---|---|---|---|---|---|---|']
    return '\n'.join(header + lines) + '\n'


def _paired_row(name: str, base: str, kind: str, pairs: Sequence[Tuple[RunRecord, RunRecord]],
                num_samples: int) -> str:
    """One line of :func:`paired_table`: ``pairs`` are (run, baseline run) of the same seed."""
    outcomes = [paired_outcomes(predictions_path(ref.work_dir, kind), predictions_path(run.work_dir, kind))
                for run, ref in pairs]
    res = paired_bootstrap([o[0] for o in outcomes], [o[1] for o in outcomes], num_samples=num_samples)
    per_seed = ' / '.join(f'{100 * (b.mean() - a.mean()):+.2f}' for a, b in outcomes)
    seeds = '/'.join(str(run.seed) for run, _ in pairs)
    return (f'| {name} | {base} | {kind} | {seeds} | {per_seed} | {100 * res.diff:+.2f} | '
            f'[{100 * res.low:+.2f}, {100 * res.high:+.2f}] | {res.num_clips} |')


def write_outputs(records: Sequence[RunRecord], rows: Sequence[RowSummary], prefix: Union[str, os.PathLike],
                  metrics: Sequence[str] = DEFAULT_METRICS) -> Dict[str, Path]:
    """Write ``<prefix>.md`` (table), ``<prefix>.json`` (runs and rows) and ``<prefix>.csv`` (one line per run).

    Args:
        records: From :func:`run_study`.
        rows: From :func:`summarize`.
        prefix: Output path without extension.
        metrics: Metric columns.

    Returns:
        ``{'md': path, 'json': path, 'csv': path}``.
    """
    prefix = Path(prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    paths = {ext: prefix.with_name(f'{prefix.name}.{ext}') for ext in ('md', 'json', 'csv')}
    paired = paired_table(records)
    paths['md'].write_text(markdown_table(rows, records, metrics) + (f'\n{paired}' if paired else ''))
    write_json(paths['json'], dict(metrics=list(metrics), runs=[asdict(r) for r in records],
                                    rows=[asdict(r) for r in rows]))
    fields = ['name', 'group', 'x', 'seed', 'checkpoint', 'status', *metrics, 'config', 'cfg_options', 'work_dir',
              'message']
    with open(paths['csv'], 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for r in records:
            writer.writerow({**{k: v for k, v in asdict(r).items() if k in fields}, **r.metrics,
                             'cfg_options': json.dumps(r.cfg_options)})
    return paths


def load_records(path: Union[str, os.PathLike]) -> List[RunRecord]:
    """Read the runs back from a ``write_outputs`` JSON file."""
    with open(path) as f:
        data = json.load(f)
    return [RunRecord(**run) for run in data['runs']]


def model_complexity(cfg: Config) -> Dict[str, float]:
    """Trainable parameters and GFLOPs of ``cfg.model`` (via ``mmavssl.models.utils.flops``).

    A training iteration is the config's: ``train_dataloader.batch_size`` clips for a supervised model; for a
    semi-supervised one (``LabeledUnlabeledSampler`` with ``mu``), ``batch_size / (1 + mu)`` labeled and the
    rest unlabeled clips (forward and backward; the frozen localizer's forward is not counted).

    Args:
        cfg: A loaded config.

    Returns:
        ``{'trainable params (M)': ..., 'GFLOPs/view': ..., 'GFLOPs/iter': ...}``.
    """
    from mmavssl.models.utils.flops import complexity  # optional layer: imported only when asked for
    loader = cfg.get('train_dataloader', {})
    batch = int(loader.get('batch_size', 1))
    mu = loader.get('sampler', {}).get('mu')
    labeled = batch // (1 + int(mu)) if mu else batch
    result = complexity(cfg.model.to_dict(), labeled, batch - labeled if mu else None)
    per_iter = result.get('gflops_per_iter_semi', result['gflops_per_iter'])
    return {'trainable params (M)': result['params_trainable'] / 1e6, 'GFLOPs/view': result['gflops_per_view'],
            'GFLOPs/iter': per_iter}


def entry_complexity(entries: Sequence[BenchmarkEntry], fn_path: str = DEFAULT_FLOPS_FN,
                     cfg_options: Optional[Mapping[str, Any]] = None) -> Dict[str, Dict[str, float]]:
    """Extra columns per entry from ``fn_path`` (``'module:function'``, called with the entry's loaded config).

    A function that cannot be imported, or fails on an entry, gives a warning and no columns (for that entry).

    Args:
        entries: The study's entries.
        fn_path: Function ``(Config) -> Dict[str, float]``.
        cfg_options: Study-wide overrides (the entry's own win).

    Returns:
        Entry name -> column -> value.
    """
    try:
        fn = load_callable(fn_path)
    except (ImportError, AttributeError, ValueError) as err:
        warnings.warn(f'--flops: cannot import {fn_path} ({err}); no complexity columns.')
        return {}
    columns = {}
    for entry in entries:
        try:
            cfg = Config.fromfile(entry.config)
            cfg.merge_from_dict({**flatten_options(cfg_options or {}), **flatten_options(entry.cfg_options)})
            columns[entry.name] = {k: float(v) for k, v in fn(cfg).items()}
        except ImportError as err:  # e.g. the counting module is not part of this installation
            warnings.warn(f'--flops: {fn_path} needs a module that is missing ({err}); no complexity columns.')
            return {}
        except Exception as err:  # noqa: BLE001 -- an optional column must not stop the report
            warnings.warn(f'--flops: {fn_path} failed on {entry.name} ({entry.config}): {err!r}')
    return columns


def compare_predictions(baseline: Union[str, os.PathLike], method: Union[str, os.PathLike],
                        num_samples: int = 10000) -> dict:
    """Paired top-1 difference ``method - baseline`` on the same test clips, with a 95 % bootstrap interval.

    Args:
        baseline: Dump file of the baseline's test.
        method: Dump file of the compared run's test (same test list).
        num_samples: Bootstrap samples.

    Returns:
        ``{'diff', 'low', 'high', 'num_clips'}`` in accuracy fractions.

    Raises:
        ValueError: If the two dumps are not of the same clips.
    """
    res = paired_bootstrap(*paired_outcomes(baseline, method), num_samples=num_samples)
    return dict(diff=res.diff, low=res.low, high=res.high, num_clips=res.num_clips)


def format_summary(summary: dict) -> str:
    """Markdown table of the main job's test accuracies and step times.

    Args:
        summary: What :meth:`MainJob.run` returns.

    Returns:
        The table, with the semi-supervised gain over the supervised-only baseline.
    """
    sup, semi, secs = summary['supervised'], summary['semi_supervised'], summary['seconds']

    def pct(row: dict, key: str) -> str:
        return f'{100 * row[key]:.2f}' if key in row else '-'

    lines = ['| model (1 labeled clip per class) | test top-1 (%) | mean class acc. (%) | top-1, sound names the '
             'class (%) | top-1, ambiguous sound (%) | train+test time (s) |',
             '|---|---|---|---|---|---|']
    for name, row, step in (('supervised only', sup, 'supervised'), ('ASL semi-supervised', semi, 'semi_supervised')):
        lines.append(f'| {name} ({row["config"]}) | {pct(row, "acc/top1")} | {pct(row, "acc/mean1")} | '
                     f'{pct(row, OPTIONAL_METRICS[0])} | {pct(row, OPTIONAL_METRICS[1])} | {secs.get(step, 0):.0f} |')
    lines.append('')
    comp = summary.get('comparison')
    gain = f'{100 * (semi["acc/top1"] - sup["acc/top1"]):+.2f} points top-1'
    if comp:
        gain += (f' on {comp["num_clips"]} test clips, paired 95 % bootstrap interval '
                 f'[{100 * comp["low"]:+.2f}, {100 * comp["high"]:+.2f}]')
    lines.append(f'ASL semi-supervised minus supervised-only: {gain}.')
    loc = summary.get('localizer', {})
    if 'loc/cIoU' in loc:
        trained = f', {loc["iterations"]} iterations' if loc.get('iterations', -1) > 0 else ''
        trained += f', seed {loc["seed"]}' if 'seed' in loc else ''
        lines.append(f'Localizer (validation{trained}): cIoU {loc["loc/cIoU"]:.3f}, pointing {loc["loc/pointing"]:.3f} '
                     f'(centre box: pointing {loc["loc/center/pointing"]:.3f}).')
    if 'figure' in summary:
        lines.append(f'Picture (localization map, ASL-guided and TubeToken masks of one test clip): '
                     f'{summary["figure"]["path"]}')
    steps = ', '.join(f'{k} {v:.0f} s' for k, v in secs.items())
    lines.append(f'Total time {sum(secs.values()):.0f} s ({steps}).')
    return '\n'.join(lines)


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
