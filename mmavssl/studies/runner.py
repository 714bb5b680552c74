"""Running studies: train and test subprocesses through the ``tools/`` folder of an mmavssl checkout, given as
an argument (``tools_dir``, or ``repo_root`` and ``tools_dir`` for the main job), so the package assumes no
checkout layout.

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

The README's main job (:class:`MainJob`): synthetic data -> pretrained encoders -> localizer -> supervised baseline and ASL
semi-supervised -> test -> paired comparison.

Every step runs the ordinary command-line tools in a subprocess (what a user would type), streams their log
to the console and keeps it under the job's work dir. A rerun skips finished steps (each writes
``<step dir>/step_done.json`` last) and resumes an interrupted training with ``--resume``; nothing is
deleted or overwritten.
"""
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from mmavssl.synthetic import BENCHMARK_PRESET, SOURCE_PRESET, SyntheticAVConfig, generate_dataset
from .report import compare_predictions, format_summary
from .spec import (CHECKPOINT_KINDS, DATA_ROOT_ENV, DEFAULT_METRICS, METRICS, OPTIONAL_METRICS, LOCALIZER_METRICS,
                   SOURCE_ROOT_ENV, BenchmarkEntry, MainJobConfig, RunRecord, flatten_options, format_cfg_options,
                   predictions_path, write_json)

STATE_DIR = 'benchmark'


class BenchmarkError(RuntimeError):
    """A run's outputs are missing or unreadable (the message names the file and the fix)."""


def _substitute(value: Any, seed: int, work_dir: Path) -> Any:
    """Replace ``{seed}`` and ``{work_dir}`` in a string override (others pass through unchanged).

    This lets one run start from another run of the same seed, e.g. a semi-supervised row from its supervised
    warm-up: ``load_from='{work_dir}/supervised/seed{seed}/iter_2000.pth'``. Plain ``str.replace`` instead of
    ``str.format``, so that other braces in a value stay as they are.
    """
    if not isinstance(value, str):
        return value
    return value.replace('{seed}', str(seed)).replace('{work_dir}', str(work_dir))


def _read_json(path: Path) -> Optional[dict]:
    """Return the JSON object in ``path``, or None if the file does not exist."""
    if not path.is_file():
        return None
    with open(path) as f:
        return json.load(f)


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
                   for key, value in {**flatten_options(self.common), **flatten_options(entry.cfg_options)}.items()}
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
            write_json(state / 'spec.json', signature)
            self.log(f'[train] {label}')
            code = _execute(cmd, state / 'train.log', self.env, self.timeout)
            if code != 0:
                msg = (f'train exited with {code}: {_log_tail(state / "train.log")} (log: {state / "train.log"}); '
                       'fix it and rerun with --resume or --restart')
                self.log(f'[failed] {label}: {msg}')
                return records('failed', msg)
            trained = self._checkpoints(run_dir)
            write_json(state / 'train_done.json', trained)

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
        write_json(state / f'result_{kind}.json', dict(metrics=metrics, checkpoint=checkpoint, source=str(source)))
        return records('done', kinds=[kind], metrics=metrics)


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


def _run_streaming(cmd: Sequence[str], log_path: Path, echo: Callable[[str], None], repo_root: Path,
                   env: Optional[Mapping[str, str]] = None) -> None:
    """Run ``cmd`` from the repository root ``repo_root``, echoing and appending its output to ``log_path``.

    ``env`` adds variables to the subprocess's environment (e.g. the data roots the synthetic configs read).

    Raises:
        RuntimeError: If the command fails, naming the log to read.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(repo_root), os.environ.get('PYTHONPATH')])),
               PYTHONUNBUFFERED='1', HF_HUB_OFFLINE='1', **(env or {}))
    with open(log_path, 'a') as log:
        log.write(f'\n$ {" ".join(cmd)}\n')
        proc = subprocess.Popen(list(cmd), cwd=repo_root, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout:
            log.write(line)
            echo(line.rstrip('\n'))
        if proc.wait() != 0:
            raise RuntimeError(f'step failed (exit {proc.returncode}): {" ".join(cmd)}; see {log_path}')


def _last_checkpoint(work_dir: Path, repo_root: Path) -> Path:
    """The checkpoint mmengine's CheckpointHook recorded last in ``work_dir`` (relative paths: to ``repo_root``)."""
    marker = work_dir / 'last_checkpoint'
    if not marker.is_file():
        raise RuntimeError(f'{work_dir} has no last_checkpoint file: the training wrote no checkpoint.')
    path = Path(marker.read_text().strip())
    return path if path.is_absolute() else repo_root / path


class MainJob:
    """Runs the steps of :class:`MainJobConfig` in order, skipping the finished ones.

    Args:
        cfg: What to run.
        repo_root: The mmavssl checkout the steps run in (their working directory); relative paths of ``cfg``
            are in it.
        tools_dir: Folder with ``train.py``, ``test.py`` and ``analysis/visualize_masks.py``; relative to
            ``repo_root`` unless absolute.
        echo: Receives every output line (default: print).
    """

    def __init__(self, cfg: MainJobConfig, repo_root: Union[str, os.PathLike],
                 echo: Callable[[str], None] = print, tools_dir: Union[str, os.PathLike] = 'tools') -> None:
        self.cfg = cfg
        self.repo_root = Path(repo_root)
        self.tools_dir = Path(tools_dir)
        self.echo = echo
        self.root = self.repo_root / cfg.work_dir
        self.timings: Dict[str, float] = {}
        # The synthetic configs read their data folders from these (mmengine's {{$VAR:default}}), so every step
        # trains and tests on the sets this job generated, wherever --data-root / --source-root put them.
        self.env = {DATA_ROOT_ENV: cfg.data_root}
        if cfg.source_root is not None:
            self.env[SOURCE_ROOT_ENV] = cfg.source_root

    def _step(self, name: str, index: int, total: int, fn: Callable[[Path], dict]) -> dict:
        """Run one step unless its ``step_done.json`` exists; return the step's result."""
        step_dir = self.root / name
        done = step_dir / 'step_done.json'
        if done.is_file():
            result = json.loads(done.read_text())
            self.echo(f'[{index}/{total}] {name}: finished earlier, reusing {done}')
            self.timings[name] = result.get('seconds', 0.0)
            return result
        self.echo(f'[{index}/{total}] {name} ...')
        start = time.time()
        result = fn(step_dir)
        result['seconds'] = round(time.time() - start, 1)
        step_dir.mkdir(parents=True, exist_ok=True)
        tmp = done.with_suffix('.tmp')
        tmp.write_text(json.dumps(result, indent=1))
        os.replace(tmp, done)
        self.timings[name] = result['seconds']
        self.echo(f'[{index}/{total}] {name}: done in {result["seconds"]:.0f} s')
        return result

    def _train(self, config: str, step_dir: Path, cfg_options: Sequence[str] = (), seed: Optional[int] = None) -> Path:
        """Train ``config`` into ``step_dir/train`` (resuming an interrupted run) with ``seed`` (default: the
        job's); return the final checkpoint."""
        train_dir = step_dir / 'train'
        cmd = [self.cfg.python, str(self.tools_dir / 'train.py'), config, '--work-dir', str(train_dir),
               '--seed', str(self.cfg.seed if seed is None else seed), *self.cfg.extra_train_args]
        if (train_dir / 'last_checkpoint').is_file():
            cmd.append('--resume')
        if cfg_options:
            cmd += ['--cfg-options', *cfg_options]
        _run_streaming(cmd, step_dir / 'log.txt', self.echo, self.repo_root, self.env)
        return _last_checkpoint(train_dir, self.repo_root)

    def _train_and_test(self, config: str, step_dir: Path, cfg_options: Sequence[str] = ()) -> dict:
        """Train then test ``config``; return the checkpoint, test metrics and the predictions' dump file."""
        ckpt = self._train(config, step_dir, cfg_options)
        test_dir = step_dir / 'test'
        dump = test_dir / 'predictions.pkl'
        cmd = [self.cfg.python, str(self.tools_dir / 'test.py'), config, str(ckpt), '--work-dir', str(test_dir),
               '--dump', str(dump)]
        if cfg_options:
            cmd += ['--cfg-options', *cfg_options]
        _run_streaming(cmd, step_dir / 'log.txt', self.echo, self.repo_root, self.env)
        metrics, path = read_test_metrics(test_dir, METRICS)
        found = json.loads(path.read_text())
        metrics.update({k: float(found[k]) for k in OPTIONAL_METRICS if k in found})
        return dict(checkpoint=str(ckpt), config=config, predictions=str(dump), **metrics)

    @staticmethod
    def _localizer_metrics(step_dir: Path) -> Dict[str, float]:
        """The localizer's last logged validation metrics and their ``iterations`` (over resumed runs); empty
        when it logged none."""
        scalars = sorted((step_dir / 'train').glob('*/vis_data/scalars.json'))
        rows = [json.loads(line) for path in scalars for line in path.read_text().splitlines() if line.strip()]
        last, trained = {}, 0
        for row in rows:
            # Validation rows carry mmengine's epoch as their 'step' in an iteration-based run, so the iteration a
            # validation belongs to is the last training row's 'iter' before it.
            trained = int(row.get('iter', trained))
            if all(k in row for k in LOCALIZER_METRICS):
                last = dict({k: float(row[k]) for k in LOCALIZER_METRICS}, iterations=trained)
        return last

    def train_localizer(self, step_dir: Path) -> dict:
        """Train the localizer, training on through ``localizer_train_on`` while it misses its target, and starting
        afresh with another seed (``localizer_restarts`` times) when the last schedule still misses it: the job's
        localizer step, which ``tools/analysis/train_localizer.py`` runs alone (the studies' localizer).

        The first run trains in ``step_dir``, restart ``k`` with seed ``seed + 1000 k`` in
        ``step_dir/restart<k>_seed<S>``. The first run that meets the target is kept; when none does, the one with
        the highest ``loc/pointing`` (then ``loc/cIoU``).

        Returns:
            Its checkpoint, its last validation metrics with the ``iterations`` they were measured at, and the
            ``seed`` it was trained with.

        Raises:
            RuntimeError: If the kept run points at the source no better than the centre box.
        """
        cfg = self.cfg
        runs, target = [], format_localizer_metrics(cfg.localizer_target)
        for restart in range(cfg.localizer_restarts + 1):
            seed = cfg.seed + 1000 * restart
            run_dir = step_dir / f'restart{restart}_seed{seed}' if restart else step_dir
            if restart:
                self.echo(f'[localizer] validation {format_localizer_metrics(runs[-1])} still misses the target '
                          f'{target}: starting afresh with seed {seed} in {run_dir}')
            runs.append(dict(self._localizer_run(run_dir, seed), seed=seed))
            if not self._misses_target(runs[-1]):
                break
        kept = runs[-1] if not self._misses_target(runs[-1]) else max(
            runs, key=lambda r: (r.get('loc/pointing', 0.0), r.get('loc/cIoU', 0.0)))
        if any(k in kept for k in LOCALIZER_METRICS):
            check_localizer(kept, f'Train it longer (see {step_dir / "log.txt"}); nothing after this step ran.')
            if self._misses_target(kept):
                self.echo(f'[localizer] warning: after the last schedule its validation '
                          f'{format_localizer_metrics(kept)} still misses the target {target}; it beats the centre '
                          'box, so the job goes on')
        return kept

    def _misses_target(self, metrics: Mapping[str, float]) -> bool:
        """Whether validation ``metrics`` (if any were logged) fall below ``localizer_target``."""
        return any(k in metrics and metrics[k] < v for k, v in self.cfg.localizer_target.items())

    def _localizer_run(self, run_dir: Path, seed: int) -> dict:
        """One localizer run with ``seed`` in ``run_dir``, resumed to each of ``localizer_train_on`` in turn while it
        misses its target; returns its checkpoint and last validation metrics (with ``iterations``)."""
        cfg = self.cfg
        options = list(cfg.localizer_options)
        ckpt = self._train(cfg.localizer_config, run_dir, options, seed=seed)
        metrics = self._localizer_metrics(run_dir)
        for max_iters in cfg.localizer_train_on:
            if not self._misses_target(metrics):
                break
            self.echo(f'[localizer] validation {format_localizer_metrics(metrics)} misses the target '
                      f'{format_localizer_metrics(cfg.localizer_target)}: training on to {max_iters} iterations')
            options = [o for o in options if not o.startswith('train_cfg.max_iters=')]
            options.append(f'train_cfg.max_iters={max_iters}')
            ckpt = self._train(cfg.localizer_config, run_dir, options, seed=seed)
            metrics = self._localizer_metrics(run_dir)
        return dict(checkpoint=str(ckpt), **metrics)

    def _figure(self, step_dir: Path, localizer_ckpt: str) -> dict:
        """Draw paper Fig. 3 for one test clip with the trained localizer; return the figure's path."""
        out_dir = step_dir / 'fig3'
        cmd = [self.cfg.python, str(self.tools_dir / 'analysis' / 'visualize_masks.py'), '--ann-file',
               str(Path(self.cfg.data_root) / 'test.txt'), '--index', str(self.cfg.figure_index),
               '--localizer-config', self.cfg.localizer_config, '--checkpoint', localizer_ckpt,
               '--out-dir', str(out_dir), '--overwrite']
        _run_streaming(cmd, step_dir / 'log.txt', self.echo, self.repo_root, self.env)
        found = sorted((self.repo_root / out_dir).glob('*_fig3.png'))
        if not found:
            raise RuntimeError(f'visualize_masks.py wrote no *_fig3.png under {out_dir}; see {step_dir / "log.txt"}')
        return dict(path=str(found[0]))

    def run(self) -> dict:
        """Run every step and write ``summary.json`` and ``summary.md`` under the work dir.

        Returns:
            The summary: per-step results and timings.
        """
        cfg = self.cfg
        pretrain = cfg.pretrain_configs if cfg.source_root is not None else {}
        figure = cfg.figure_index is not None
        total = 5 + len(pretrain) + figure

        def generate(step_dir: Path) -> dict:
            sets = {'benchmark': (cfg.data_root, {**BENCHMARK_PRESET, **cfg.synthetic, 'seed': cfg.seed})}
            if pretrain:
                sets['source'] = (cfg.source_root, {**SOURCE_PRESET, **cfg.source_synthetic})
            out = {}
            for name, (root, params) in sets.items():
                manifest = generate_dataset(self.repo_root / root, SyntheticAVConfig(**params), workers=2)
                out[name] = dict(root=root, content_hash=manifest['content_hash'], reused=bool(manifest['reused']))
            return out

        step = iter(range(1, total + 1))
        data = self._step('data', next(step), total, generate)
        sup_opts: List[str] = []
        for encoder, config in pretrain.items():
            enc = self._step(f'pretrain_{encoder}', next(step), total,
                             lambda d, config=config: dict(checkpoint=str(self._train(config, d))))
            sup_opts += [f'{key}={enc["checkpoint"]}' for key in cfg.pretrained_keys[encoder]]

        loc = self._step('localizer', next(step), total, self.train_localizer)
        sup = self._step('supervised', next(step), total,
                         lambda d: self._train_and_test(cfg.supervised_config, d, sup_opts))
        semi_opts = [f'{cfg.localizer_ckpt_key}={loc["checkpoint"]}']
        if cfg.init_semi_from_supervised:
            semi_opts.append(f'load_from={sup["checkpoint"]}')
        semi_opts += cfg.semi_options
        semi = self._step('semi_supervised', next(step), total,
                          lambda d: self._train_and_test(cfg.semi_config, d, semi_opts))
        paired = self._step('comparison', next(step), total,
                            lambda d: compare_predictions(sup['predictions'], semi['predictions'],
                                                          cfg.bootstrap_samples))
        summary = dict(data=data, localizer=loc, supervised=sup, semi_supervised=semi, comparison=paired,
                       seconds=self.timings)
        if figure:
            summary['figure'] = self._step('figure', next(step), total, lambda d: self._figure(d, loc['checkpoint']))
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / 'summary.json').write_text(json.dumps(summary, indent=1))
        table = format_summary(summary)
        (self.root / 'summary.md').write_text(table + '\n')
        self.echo('\n' + table)
        return summary


def format_localizer_metrics(metrics: Mapping[str, float]) -> str:
    """One line of a localizer's metrics for logs and messages.

    Args:
        metrics: Metric name -> value; only the ``loc/*`` keys are shown, in their order.

    Returns:
        E.g. ``loc/cIoU 0.490, loc/pointing 0.920``.
    """
    return ', '.join(f'{k} {v:.3f}' for k, v in metrics.items() if k.startswith('loc/'))


def check_localizer(metrics: Dict[str, float], advice: str) -> None:
    """Stop when a localizer points at the sound source no better than the centre box does.

    Args:
        metrics: ``loc/pointing`` and ``loc/center/pointing`` (and ``loc/cIoU``) of its evaluation.
        advice: What to do about it, appended to the message.

    Raises:
        RuntimeError: If its pointing accuracy does not beat the centre box's (ASL would then sample masks from
            maps that do not follow the sound source).
    """
    if metrics['loc/pointing'] <= metrics['loc/center/pointing']:
        raise RuntimeError(
            f"the localizer's pointing accuracy {metrics['loc/pointing']:.2f} does not beat the centre box's "
            f"{metrics['loc/center/pointing']:.2f}: its maps do not follow the sound source, so ASL-guided masks "
            f'would not either. {advice}')


def run_main_job(cfg: Optional[MainJobConfig], repo_root: Union[str, os.PathLike],
                 echo: Callable[[str], None] = print, tools_dir: Union[str, os.PathLike] = 'tools') -> dict:
    """Run the main job with ``cfg`` (default: the README's job). See :class:`MainJob`.

    Args:
        cfg: What to run (None: the README's job).
        repo_root: The mmavssl checkout to run in (see :class:`MainJob`).
        echo: Receives every output line.
        tools_dir: Its tools folder (see :class:`MainJob`).

    Returns:
        The summary dict.
    """
    return MainJob(cfg or MainJobConfig(), repo_root, echo, tools_dir).run()
