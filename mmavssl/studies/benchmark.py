"""Multi-seed benchmark studies: train and test a list of configs with ``tools/train.py`` and ``tools/test.py``.

A study is a list of :class:`BenchmarkEntry` (name, config, config overrides, optional group and sweep value)
run over several seeds. Every (entry, seed) pair is one run with its own work dir::

    <root>/<name>/seed<S>/                 tools/train.py --work-dir (checkpoints, <timestamp>/ logs)
    <root>/<name>/seed<S>/test_<kind>/     tools/test.py --work-dir for checkpoint kind 'final' or 'best'
    <root>/<name>/seed<S>/benchmark/       this module's state: spec.json, train.log, train_done.json,
                                           test_<kind>.log, result_<kind>.json

``final`` is the checkpoint that ``last_checkpoint`` names when training ends; ``best`` is the one the
validation-driven ``CheckpointHook(save_best=...)`` kept (``best_*.pth``). The test split never selects a
checkpoint. A run is finished when ``result_<kind>.json`` exists for every requested kind; a rerun skips it. A run
dir without ``train_done.json`` is half-finished: it is resumed (``resume=True``), moved aside and restarted
(``restart=True``), or reported as ``incomplete`` -- never deleted. A run whose config or overrides changed since
it started is reported as ``stale`` (``restart=True`` moves it aside). Each subprocess's failure is recorded in
its :class:`RunRecord` and the study goes on.
"""
import csv
import importlib
import json
import math
import os
import shlex
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from mmengine.config import Config, DictAction

from mmavssl.evaluation.functional.paired import paired_bootstrap, paired_outcomes

DEFAULT_METRICS: Tuple[str, ...] = ('acc/top1', 'acc/mean1')
CHECKPOINT_KINDS: Tuple[str, ...] = ('final', 'best')
METRIC_LABELS: Dict[str, str] = {'acc/top1': 'top-1 (%)', 'acc/mean1': 'mean class acc (%)'}
DEFAULT_FLOPS_FN = 'mmavssl.studies.benchmark:model_complexity'
STATE_DIR = 'benchmark'
XValue = Union[int, float, str, None]


class BenchmarkError(RuntimeError):
    """A run's outputs are missing or unreadable (the message names the file and the fix)."""


@dataclass
class BenchmarkEntry:
    """One row of a study: a config with its overrides.

    Args:
        name: Row name, also the folder under the study root (no path separators).
        config: Config file (relative paths are relative to the current directory).
        cfg_options: Overrides as for ``--cfg-options``; nested dicts are flattened to dotted keys. In string
            values ``{seed}`` and ``{work_dir}`` become the run's seed and the study root.
        group: Optional label of a group of rows (a line in :mod:`mmavssl.studies.sweep` plots).
        x: Optional sweep value of the row (the x axis of a sweep plot).
        paired_with: Name (or names) of the rows this one is compared with clip by clip, seed by seed (e.g.
            the supervised run it fine-tunes): the report gives each difference with a 95 % bootstrap interval.
    """

    name: str
    config: str
    cfg_options: Dict[str, Any] = field(default_factory=dict)
    group: Optional[str] = None
    x: XValue = None
    paired_with: Union[str, Sequence[str], None] = None

    def __post_init__(self) -> None:
        bad = not self.name or self.name in ('.', '..') or any(s in self.name for s in ('/', '\\', os.sep))
        if bad:
            raise ValueError(f'benchmark entry name {self.name!r} must be a non-empty folder name without "/".')
        self.config = str(self.config)
        self.cfg_options = dict(self.cfg_options or {})
        if isinstance(self.paired_with, str):
            self.paired_with = [self.paired_with]
        self.paired_with = list(self.paired_with or [])


@dataclass
class RunRecord:
    """Outcome of one (entry, seed, checkpoint kind).

    Attributes:
        name, group, x, config: Copied from the entry.
        seed: Training seed.
        checkpoint: ``'final'`` or ``'best'``.
        status: ``'done'``, ``'failed'``, ``'incomplete'`` (half-finished, needs resume/restart), ``'stale'``
            (config or overrides changed since the run started) or ``'planned'`` (dry run).
        work_dir: The run's training work dir.
        cfg_options: The overrides the run used (study-wide ones merged with the entry's).
        metrics: Metric name -> value as ``tools/test.py`` reported it (fractions for accuracies).
        message: Why the run is not done (with the log file to read), else empty.
    """

    name: str
    seed: int
    checkpoint: str
    status: str
    work_dir: str
    config: str = ''
    group: Optional[str] = None
    x: XValue = None
    cfg_options: Dict[str, Any] = field(default_factory=dict)
    metrics: Dict[str, float] = field(default_factory=dict)
    message: str = ''
    paired_with: List[str] = field(default_factory=list)


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


def _flatten(options: Mapping[str, Any], prefix: str = '') -> Dict[str, Any]:
    """Flatten nested dicts into dotted keys (``{'a': {'b': 1}}`` -> ``{'a.b': 1}``)."""
    flat = {}
    for key, value in options.items():
        full = f'{prefix}{key}'
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f'{full}.'))
        else:
            flat[full] = value
    return flat


def _substitute(value: Any, seed: int, work_dir: Path) -> Any:
    """Replace ``{seed}`` and ``{work_dir}`` in a string override (others pass through unchanged).

    This lets one run start from another run of the same seed, e.g. a semi-supervised row from its supervised
    warm-up: ``load_from='{work_dir}/supervised/seed{seed}/iter_2000.pth'``. Plain ``str.replace`` instead of
    ``str.format``, so that other braces in a value stay as they are.
    """
    if not isinstance(value, str):
        return value
    return value.replace('{seed}', str(seed)).replace('{work_dir}', str(work_dir))


def _format_value(value: Any) -> str:
    """Write ``value`` in the syntax mmengine's ``DictAction`` parses."""
    if isinstance(value, tuple):
        return '(' + ','.join(map(_format_value, value)) + (',)' if len(value) == 1 else ')')
    if isinstance(value, list):
        return '[' + ','.join(map(_format_value, value)) + ']'
    return str(value)


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types (``True`` is not ``1``, ``'0.1'`` is not ``0.1``), element-wise."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def format_cfg_options(options: Mapping[str, Any]) -> List[str]:
    """Turn overrides into ``--cfg-options`` arguments, checking that each value survives the round trip.

    Args:
        options: Dotted keys (or nested dicts) and values: numbers, bools, None, plain strings, lists/tuples.

    Returns:
        ``['key=value', ...]`` in key order.
    """
    args = []
    for key, value in _flatten(options).items():
        text = _format_value(value)
        parsed = DictAction._parse_iterable(text)
        if not _same(parsed, value):
            raise ValueError(f'cfg option {key}={value!r} cannot be passed on the command line (it would be read '
                             f'back as {parsed!r}); use a value without spaces, commas or brackets, or put it '
                             'in a config file that inherits from the original.')
        args.append(f'{key}={text}')
    return args


def load_spec(path: Union[str, os.PathLike]) -> Tuple[List[BenchmarkEntry], Dict[str, Any]]:
    """Read a study spec (``.py``, ``.yaml``/``.yml`` or ``.json``, read by mmengine's ``Config``).

    The spec holds ``entries``: a list of dicts with ``name``, ``config`` and optional ``cfg_options``,
    ``group`` and ``x``; optionally ``seeds`` (list of ints) and ``cfg_options`` (overrides for every entry).

    Args:
        path: Spec file.

    Returns:
        The entries and the study-wide settings found (``seeds``, ``cfg_options``).
    """
    spec = Config.fromfile(str(path)).to_dict()
    raw = spec.get('entries')
    if not isinstance(raw, list) or not raw:
        raise ValueError(f'{path}: the spec needs a non-empty list "entries" of dicts with "name" and "config".')
    entries = []
    allowed = {'name', 'config', 'cfg_options', 'group', 'x', 'paired_with'}
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not {'name', 'config'} <= set(item) or set(item) - allowed:
            raise ValueError(f'{path}: entries[{i}] = {item!r} must be a dict with "name" and "config" and '
                             f'optionally {sorted(allowed - {"name", "config"})}.')
        entries.append(BenchmarkEntry(**item))
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise ValueError(f'{path}: entry names must be unique, got {names}.')
    settings = {key: spec[key] for key in ('seeds', 'cfg_options') if key in spec}
    return entries, settings


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


def _read_json(path: Path) -> Optional[dict]:
    """Return the JSON object in ``path``, or None if the file does not exist."""
    if not path.is_file():
        return None
    with open(path) as f:
        return json.load(f)


def _write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as JSON via a temporary file, so an interruption never leaves half a file."""
    tmp = path.with_name(path.name + '.tmp')
    with open(tmp, 'w') as f:
        json.dump(obj, f, indent=1)
    os.replace(tmp, path)


def read_test_metrics(test_dir: Union[str, os.PathLike], metrics: Sequence[str]) -> Tuple[Dict[str, float], Path]:
    """Read the metrics of the newest ``tools/test.py`` run in ``test_dir``.

    mmengine's ``LoggerHook`` writes them to ``<test_dir>/<timestamp>/<timestamp>.json``.

    Args:
        test_dir: The ``--work-dir`` given to ``tools/test.py``.
        metrics: Metric names that must be present.

    Returns:
        (metric -> value, the JSON file read).
    """
    test_dir = Path(test_dir)
    found = sorted(test_dir.glob('*/*.json'), key=lambda p: p.parent.name)
    found = [p for p in found if p.stem == p.parent.name]
    if not found:
        raise BenchmarkError(f'no test metrics <timestamp>/<timestamp>.json under {test_dir}; the test config '
                             'needs a LoggerHook (default_hooks.logger) and a test_evaluator.')
    path = found[-1]
    with open(path) as f:
        values = json.load(f)
    missing = [m for m in metrics if m not in values]
    if missing:
        raise BenchmarkError(f'{path} lacks {missing} (it has {sorted(values)}); choose metrics that the test '
                             'evaluator reports.')
    return {m: float(values[m]) for m in metrics}, path


def _log_tail(path: Path, lines: int = 1) -> str:
    """Last non-empty lines of a log file, to name the error in a failure message."""
    if not path.is_file():
        return ''
    text = [line.strip() for line in path.read_text(errors='replace').splitlines() if line.strip()]
    return ' | '.join(text[-lines:])


def _execute(cmd: List[str], log_path: Path, env: Optional[Dict[str, str]], timeout: Optional[float]) -> int:
    """Run ``cmd`` with its output appended to ``log_path``; return its exit status (124 on timeout)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, 'a') as log:
        log.write(f'\n# {time.strftime("%Y-%m-%d %H:%M:%S")} $ {shlex.join(cmd)}\n')
        log.flush()
        try:
            return subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            log.write(f'\n# killed after the {timeout} s timeout\n')
            return 124


class _Study:
    """Carries the settings of :func:`run_study` through the runs of one study."""

    def __init__(self, root: Path, checkpoints: Sequence[str], metrics: Sequence[str], common: Mapping[str, Any],
                 resume: bool, restart: bool, dry_run: bool, train_args: Sequence[str], test_args: Sequence[str],
                 python: str, tools_dir: Path, env: Optional[Dict[str, str]], timeout: Optional[float],
                 best_pattern: str, log: Callable[[str], None]) -> None:
        self.root, self.checkpoints, self.metrics, self.common = root, tuple(checkpoints), tuple(metrics), common
        self.resume, self.restart, self.dry_run = resume, restart, dry_run
        self.train_args, self.test_args, self.python = list(train_args), list(test_args), python
        self.tools_dir, self.env, self.timeout, self.best_pattern, self.log = tools_dir, env, timeout, \
            best_pattern, log

    def run(self, entry: BenchmarkEntry, seed: int) -> List[RunRecord]:
        """Train (unless trained) and test (unless tested) one seed of ``entry``; return one record per kind."""
        run_dir = self.root / entry.name / f'seed{seed}'
        state = run_dir / STATE_DIR
        options = {key: _substitute(value, seed=seed, work_dir=self.root)
                   for key, value in {**_flatten(self.common), **_flatten(entry.cfg_options)}.items()}
        option_args = format_cfg_options(options)
        signature = dict(config=str(Path(entry.config).resolve()), cfg_options=option_args, seed=seed)
        label = f'{entry.name} seed {seed}'

        def records(status: str, message: str = '', kinds: Iterable[str] = self.checkpoints,
                    metrics: Optional[Dict[str, float]] = None) -> List[RunRecord]:
            return [RunRecord(name=entry.name, seed=seed, checkpoint=k, status=status, work_dir=str(run_dir),
                              config=entry.config, group=entry.group, x=entry.x, cfg_options=options,
                              metrics=dict(metrics or {}), message=message, paired_with=list(entry.paired_with))
                    for k in kinds]

        fresh = not run_dir.exists()
        if not fresh:
            old = _read_json(state / 'spec.json')
            if old is not None and old != signature:
                status, problem = 'stale', (f'{run_dir} was started with {old}, the spec now asks for {signature}; '
                                            'give the entry a new name, or pass --restart to move the old run aside')
            elif not (state / 'train_done.json').is_file():
                status, problem = 'incomplete', (f'{run_dir} is half-finished (no {STATE_DIR}/train_done.json); '
                                                 'pass --resume or --restart')
            else:
                status = problem = ''
            if self.restart and status:
                self._move_aside(run_dir, label)
                fresh = True
            elif status == 'stale' or status and not self.resume:
                self.log(f'[{status}] {label}: {problem}')
                return records(status, problem)

        done = {k: None if fresh else _read_json(state / f'result_{k}.json') for k in self.checkpoints}
        if all(done.values()):
            self.log(f'[skip] {label}: finished')
        trained = None if fresh else _read_json(state / 'train_done.json')
        if trained is None:
            cmd = [self.python, str(self.tools_dir / 'train.py'), entry.config, '--work-dir', str(run_dir),
                   '--seed', str(seed), *([] if fresh else ['--resume']), *self.train_args,
                   *(['--cfg-options', *option_args] if option_args else [])]
            if self.dry_run:
                self.log(f'[train] {label}: {shlex.join(cmd)}')
                for kind in self.checkpoints:
                    test_cmd = self._test_cmd(entry, f'<{kind} checkpoint>', run_dir, kind, option_args)
                    self.log(f'[test {kind}] {label}: {shlex.join(test_cmd)}')
                return records('planned')
            state.mkdir(parents=True, exist_ok=True)
            _write_json(state / 'spec.json', signature)
            self.log(f'[train] {label}')
            code = _execute(cmd, state / 'train.log', self.env, self.timeout)
            if code != 0:
                msg = (f'train exited with {code}: {_log_tail(state / "train.log")} (log: {state / "train.log"}); '
                       'fix it and rerun with --resume or --restart')
                self.log(f'[failed] {label}: {msg}')
                return records('failed', msg)
            trained = self._checkpoints(run_dir)
            _write_json(state / 'train_done.json', trained)

        out = []
        for kind in self.checkpoints:
            if done[kind]:
                out += records('done', kinds=[kind], metrics=done[kind]['metrics'])
            else:
                out += self._test(entry, run_dir, kind, trained, option_args, records, label)
        return out

    def _move_aside(self, run_dir: Path, label: str) -> None:
        """Rename ``run_dir`` to ``<run_dir>.old-<timestamp>[-k]`` (never delete a run); only log in a dry run."""
        if self.dry_run:
            self.log(f'[restart] {label}: would move {run_dir} aside')
            return
        stamp = time.strftime('%Y%m%d_%H%M%S')
        target = run_dir.with_name(f'{run_dir.name}.old-{stamp}')
        k = 1
        while target.exists():
            target = run_dir.with_name(f'{run_dir.name}.old-{stamp}-{k}')
            k += 1
        run_dir.rename(target)
        self.log(f'[restart] {label}: moved {run_dir} to {target}')

    def _checkpoints(self, run_dir: Path) -> Dict[str, Optional[str]]:
        """Locate the final (``last_checkpoint``) and validation-best (``best_pattern``) checkpoints."""
        last = run_dir / 'last_checkpoint'
        final = last.read_text().strip() if last.is_file() else None
        best = sorted(run_dir.glob(self.best_pattern))
        return dict(final=final, best=str(best[0]) if len(best) == 1 else None,
                    best_candidates=[str(p) for p in best])

    def _test_cmd(self, entry: BenchmarkEntry, checkpoint: str, run_dir: Path, kind: str,
                  option_args: List[str]) -> List[str]:
        """The ``tools/test.py`` command for one checkpoint kind."""
        return [self.python, str(self.tools_dir / 'test.py'), entry.config, checkpoint, '--work-dir',
                str(run_dir / f'test_{kind}'), '--dump', str(predictions_path(run_dir, kind)), *self.test_args,
                *(['--cfg-options', *option_args] if option_args else [])]

    def _test(self, entry: BenchmarkEntry, run_dir: Path, kind: str, trained: Dict[str, Any],
              option_args: List[str], records: Callable[..., List[RunRecord]], label: str) -> List[RunRecord]:
        """Test one checkpoint kind and store its metrics; return its record."""
        state = run_dir / STATE_DIR
        checkpoint = trained.get(kind)
        if checkpoint is None:
            if kind == 'best':
                found = trained.get('best_candidates') or []
                why = (f'{len(found)} files match {self.best_pattern} in {run_dir} ({found})' if found else
                       f'no {self.best_pattern} in {run_dir}; set default_hooks.checkpoint.save_best in the config')
            else:
                why = f'training wrote no {run_dir / "last_checkpoint"}'
            self.log(f'[failed] {label} ({kind}): {why}')
            return records('failed', why, kinds=[kind])
        cmd = self._test_cmd(entry, checkpoint, run_dir, kind, option_args)
        if self.dry_run:
            self.log(f'[test {kind}] {label}: {shlex.join(cmd)}')
            return records('planned', kinds=[kind])
        self.log(f'[test {kind}] {label}')
        log_path = state / f'test_{kind}.log'
        code = _execute(cmd, log_path, self.env, self.timeout)
        try:
            if code != 0:
                raise BenchmarkError(f'test exited with {code}: {_log_tail(log_path)} (log: {log_path})')
            metrics, source = read_test_metrics(run_dir / f'test_{kind}', self.metrics)
        except BenchmarkError as err:
            self.log(f'[failed] {label} ({kind}): {err}')
            return records('failed', str(err), kinds=[kind])
        _write_json(state / f'result_{kind}.json', dict(metrics=metrics, checkpoint=checkpoint, source=str(source)))
        return records('done', kinds=[kind], metrics=metrics)


def predictions_path(run_dir: Union[str, os.PathLike], kind: str) -> Path:
    """Where the test of checkpoint ``kind`` of a run dumps its per-clip predictions."""
    return Path(run_dir) / f'test_{kind}' / 'predictions.pkl'


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


def _groups(records: Sequence[RunRecord]) -> Dict[Tuple[str, str], List[RunRecord]]:
    """Records grouped by (row name, checkpoint kind), in first-seen order."""
    groups: Dict[Tuple[str, str], List[RunRecord]] = {}
    for record in records:
        groups.setdefault((record.name, record.checkpoint), []).append(record)
    return groups


def run_study(entries: Sequence[BenchmarkEntry], work_dir: Union[str, os.PathLike], seeds: Sequence[int], *,
              checkpoints: Sequence[str] = ('final',), metrics: Sequence[str] = DEFAULT_METRICS,
              cfg_options: Optional[Mapping[str, Any]] = None, resume: bool = False, restart: bool = False,
              dry_run: bool = False, train_args: Sequence[str] = (), test_args: Sequence[str] = (),
              python: str = sys.executable, tools_dir: Union[str, os.PathLike],
              env: Optional[Dict[str, str]] = None, timeout: Optional[float] = None,
              best_pattern: str = 'best_*.pth', log: Callable[[str], None] = print) -> List[RunRecord]:
    """Train and test every entry for every seed (skipping finished runs) and return the records.

    Args:
        entries: The rows of the study (unique names).
        work_dir: Study root; run ``(name, seed)`` trains in ``<work_dir>/<name>/seed<seed>``.
        seeds: Training seeds (``tools/train.py --seed``).
        checkpoints: Kinds to test: ``'final'`` and/or ``'best'`` (validation-selected).
        metrics: Test metrics to collect from the ``tools/test.py`` output.
        cfg_options: Overrides for every entry (an entry's own ``cfg_options`` win).
        resume: Resume half-finished runs (``tools/train.py --resume``).
        restart: Move half-finished or stale runs aside and start them again.
        dry_run: Only log the commands; create nothing.
        train_args: Extra ``tools/train.py`` arguments, e.g. ``['--deterministic']``.
        test_args: Extra ``tools/test.py`` arguments.
        python: Interpreter for the subprocesses.
        tools_dir: Folder holding ``train.py`` and ``test.py`` (an mmavssl checkout's ``tools/``).
        env: Environment of the subprocesses (default: inherited).
        timeout: Seconds per subprocess before it is killed and recorded as failed.
        best_pattern: Glob of the validation-best checkpoint in a run dir.
        log: Receives one progress line per step.

    Returns:
        One :class:`RunRecord` per (entry, seed, checkpoint kind), in entry, seed, kind order.
    """
    bad = [k for k in checkpoints if k not in CHECKPOINT_KINDS]
    if bad or not checkpoints:
        raise ValueError(f'checkpoints must be a non-empty subset of {CHECKPOINT_KINDS}, got {list(checkpoints)}')
    if resume and restart:
        raise ValueError('choose one of resume and restart')
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise ValueError(f'entry names must be unique, got {names}')
    missing = [e.config for e in entries if not Path(e.config).is_file()]
    if missing:
        raise FileNotFoundError(f'config files not found (relative to {os.getcwd()}): {missing}')
    tools = Path(tools_dir)
    if not (tools / 'train.py').is_file() or not (tools / 'test.py').is_file():
        raise FileNotFoundError(f'{tools} lacks train.py/test.py; pass tools_dir (--tools-dir) of an mmavssl checkout')
    study = _Study(Path(work_dir), checkpoints, metrics, cfg_options or {}, resume, restart, dry_run, train_args,
                   test_args, python, tools, env, timeout, best_pattern, log)
    return [record for entry in entries for seed in seeds for record in study.run(entry, seed)]


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


def format_mean_std(mean: Optional[float], std: Optional[float], scale: float = 100.0, digits: int = 2) -> str:
    """``'mean ± std'`` after multiplying by ``scale``; only the mean without std, ``'—'`` without a mean."""
    if mean is None:
        return '—'
    text = f'{mean * scale:.{digits}f}'
    return text if std is None else f'{text} ± {std * scale:.{digits}f}'


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


def _format_number(value: Optional[float]) -> str:
    """Table cell for an extra column."""
    return '—' if value is None else f'{value:.4g}'


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
    _write_json(paths['json'], dict(metrics=list(metrics), runs=[asdict(r) for r in records],
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
            cfg.merge_from_dict({**_flatten(cfg_options or {}), **_flatten(entry.cfg_options)})
            columns[entry.name] = {k: float(v) for k, v in fn(cfg).items()}
        except ImportError as err:  # e.g. the counting module is not part of this installation
            warnings.warn(f'--flops: {fn_path} needs a module that is missing ({err}); no complexity columns.')
            return {}
        except Exception as err:  # noqa: BLE001 -- an optional column must not stop the report
            warnings.warn(f'--flops: {fn_path} failed on {entry.name} ({entry.config}): {err!r}')
    return columns


def load_records(path: Union[str, os.PathLike]) -> List[RunRecord]:
    """Read the runs back from a ``write_outputs`` JSON file."""
    with open(path) as f:
        data = json.load(f)
    return [RunRecord(**run) for run in data['runs']]
