"""The README's main job: synthetic data -> pretrained encoders -> localizer -> supervised baseline and ASL
semi-supervised -> test -> paired comparison.

Every step runs the ordinary command-line tools in a subprocess (what a user would type), streams their log
to the console and keeps it under the job's work dir. A rerun skips finished steps (each writes
``<step dir>/step_done.json`` last) and resumes an interrupted training with ``--resume``; nothing is
deleted or overwritten.
"""
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union


from mmavssl.studies.benchmark import read_test_metrics
from mmavssl.datasets.synthetic import BENCHMARK_PRESET, SOURCE_PRESET, SyntheticAVConfig, generate_dataset
from mmavssl.evaluation.functional.paired import paired_bootstrap, paired_outcomes

METRICS = ('acc/top1', 'acc/mean1')
# Reported when the test evaluator has them (SubsetAccuracy of the synthetic configs): top-1 on the clips whose
# sound names the class and on those where only the video does.
OPTIONAL_METRICS = ('subset/sound_names_class', 'subset/sound_ambiguous')
# The localizer's validation metrics, and the centre-box baseline it must beat.
LOCALIZER_METRICS = ('loc/cIoU', 'loc/pointing', 'loc/center/pointing')


@dataclass
class MainJobConfig:
    """What the main job runs; the defaults are the README's 15-minute CPU job.

    Attributes:
        data_root: Where the synthetic benchmark is generated (or reused when identical).
        work_dir: Root of the job's work dirs and logs.
        source_root: Where the pretraining source set is generated; None skips the source set and pretraining.
        pretrain_config: Config that pretrains the audio encoder on the source set (the synthetic stand-in for
            the paper's AudioSet weights).
        pretrained_keys: Config keys of the supervised config that receive the pretraining checkpoint.
        localizer_config: Config that trains the sound-source localizer.
        supervised_config: Labeled-only baseline (same labeled clips as the semi-supervised run).
        semi_config: The ASL-guided semi-supervised method.
        localizer_ckpt_key: Config key of the semi-supervised model that receives the localizer checkpoint.
        init_semi_from_supervised: Start the semi-supervised run from the supervised-only checkpoint (a
            supervised warm-up, like SVFormer's ``WARM_EPOCH``): the student and the EMA teacher both begin
            as the baseline, so the run measures what the unlabeled clips add to it.
        localizer_options: ``--cfg-options`` of the localizer training; the default halves it to 100
            iterations so the whole job fits 15 minutes on 2 CPU cores (docs/localizer.md has the full run,
            and the map already localizes after 100 iterations).
        semi_options: Extra ``--cfg-options`` of the semi-supervised training; by default a 5x lower learning
            rate than the config's (which trains from scratch), since the run fine-tunes the supervised model.
        seed: Seed of every training step and of the benchmark's labeled split.
        synthetic: Overrides of :class:`SyntheticAVConfig` for the benchmark (on top of its preset; e.g. a
            smaller set for tests).
        source_synthetic: Overrides of :class:`SyntheticAVConfig` for the source set (on top of its preset).
        bootstrap_samples: Bootstrap samples of the paired difference's interval.
        figure_index: Line of the benchmark's ``test.txt`` whose clip the closing picture shows (its
            localization map, an ASL-guided mask and a TubeToken mask: paper Fig. 3); None skips the picture.
        extra_train_args: Extra ``tools/train.py`` arguments for every training step.
        python: Interpreter for the subprocesses.
    """
    data_root: str = 'data/synthetic_av_bench'
    work_dir: str = 'work_dirs/main_job'
    source_root: Optional[str] = 'data/synthetic_av_source'
    pretrain_config: str = 'configs/synthetic/pretrain_source_audio.py'
    pretrained_keys: List[str] = field(default_factory=lambda: ['model.audio_backbone.init_cfg.checkpoint'])
    localizer_config: str = 'configs/localizer/fnac_r18_synthetic.py'
    supervised_config: str = 'configs/synthetic/supervised_av_1shot.py'
    semi_config: str = 'configs/synthetic/asl_1shot.py'
    localizer_ckpt_key: str = 'model.localizer.checkpoint'
    init_semi_from_supervised: bool = True
    localizer_options: List[str] = field(default_factory=lambda: [
        'train_cfg.max_iters=100', 'train_cfg.val_interval=100', 'default_hooks.checkpoint.interval=100'])
    semi_options: List[str] = field(default_factory=lambda: ['optim_wrapper.optimizer.lr=0.0002'])
    seed: int = 0
    synthetic: Dict[str, Any] = field(default_factory=dict)
    source_synthetic: Dict[str, Any] = field(default_factory=dict)
    bootstrap_samples: int = 10000
    figure_index: Optional[int] = 0
    extra_train_args: List[str] = field(default_factory=list)
    python: str = sys.executable


def _run_streaming(cmd: Sequence[str], log_path: Path, echo: Callable[[str], None], repo_root: Path) -> None:
    """Run ``cmd`` from the repository root ``repo_root``, echoing and appending its output to ``log_path``.

    Raises:
        RuntimeError: If the command fails, naming the log to read.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(repo_root), os.environ.get('PYTHONPATH')])),
               PYTHONUNBUFFERED='1', HF_HUB_OFFLINE='1')
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
        repo_root: The mmavssl checkout whose ``tools/`` and configs run; relative paths of ``cfg`` are in it.
        echo: Receives every output line (default: print).
    """

    def __init__(self, cfg: MainJobConfig, repo_root: Union[str, os.PathLike],
                 echo: Callable[[str], None] = print) -> None:
        self.cfg = cfg
        self.repo_root = Path(repo_root)
        self.echo = echo
        self.root = self.repo_root / cfg.work_dir
        self.timings: Dict[str, float] = {}

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

    def _train(self, config: str, step_dir: Path, cfg_options: Sequence[str] = ()) -> Path:
        """Train ``config`` into ``step_dir/train`` (resuming an interrupted run); return the final checkpoint."""
        train_dir = step_dir / 'train'
        cmd = [self.cfg.python, 'tools/train.py', config, '--work-dir', str(train_dir), '--seed', str(self.cfg.seed),
               *self.cfg.extra_train_args]
        if (train_dir / 'last_checkpoint').is_file():
            cmd.append('--resume')
        if cfg_options:
            cmd += ['--cfg-options', *cfg_options]
        _run_streaming(cmd, step_dir / 'log.txt', self.echo, self.repo_root)
        return _last_checkpoint(train_dir, self.repo_root)

    def _train_and_test(self, config: str, step_dir: Path, cfg_options: Sequence[str] = ()) -> dict:
        """Train then test ``config``; return the checkpoint, test metrics and the predictions' dump file."""
        ckpt = self._train(config, step_dir, cfg_options)
        test_dir = step_dir / 'test'
        dump = test_dir / 'predictions.pkl'
        cmd = [self.cfg.python, 'tools/test.py', config, str(ckpt), '--work-dir', str(test_dir), '--dump', str(dump)]
        if cfg_options:
            cmd += ['--cfg-options', *cfg_options]
        _run_streaming(cmd, step_dir / 'log.txt', self.echo, self.repo_root)
        metrics, path = read_test_metrics(test_dir, METRICS)
        found = json.loads(path.read_text())
        metrics.update({k: float(found[k]) for k in OPTIONAL_METRICS if k in found})
        return dict(checkpoint=str(ckpt), config=config, predictions=str(dump), **metrics)

    def _check_localizer(self, step_dir: Path) -> dict:
        """The localizer's last validation metrics; stop when it localizes no better than the centre box.

        Raises:
            RuntimeError: If the run logged no localization metrics, or its pointing accuracy does not beat the
                centre box's (ASL would then sample masks from maps that do not follow the sound source).
        """
        scalars = sorted((step_dir / 'train').glob('*/vis_data/scalars.json'))
        rows = [json.loads(line) for path in scalars for line in path.read_text().splitlines() if line.strip()]
        rows = [r for r in rows if all(k in r for k in LOCALIZER_METRICS)]
        if not rows:
            return {}
        last = {k: float(rows[-1][k]) for k in LOCALIZER_METRICS}
        check_localizer(last, f'Train it longer (see {step_dir / "log.txt"}); nothing after this step ran.')
        return last

    def _figure(self, step_dir: Path, localizer_ckpt: str) -> dict:
        """Draw paper Fig. 3 for one test clip with the trained localizer; return the figure's path."""
        out_dir = step_dir / 'fig3'
        cmd = [self.cfg.python, 'tools/analysis/visualize_masks.py', '--ann-file',
               str(Path(self.cfg.data_root) / 'test.txt'), '--index', str(self.cfg.figure_index),
               '--localizer-config', self.cfg.localizer_config, '--checkpoint', localizer_ckpt,
               '--out-dir', str(out_dir), '--overwrite']
        _run_streaming(cmd, step_dir / 'log.txt', self.echo, self.repo_root)
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
        pretrain = cfg.source_root is not None
        figure = cfg.figure_index is not None
        total = 5 + pretrain + figure

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
        if pretrain:
            enc = self._step('pretrain', next(step), total,
                             lambda d: dict(checkpoint=str(self._train(cfg.pretrain_config, d))))
            sup_opts = [f'{key}={enc["checkpoint"]}' for key in cfg.pretrained_keys]

        def localizer(step_dir: Path) -> dict:
            ckpt = self._train(cfg.localizer_config, step_dir, cfg.localizer_options)
            return dict(checkpoint=str(ckpt), **self._check_localizer(step_dir))

        loc = self._step('localizer', next(step), total, localizer)
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
        lines.append(f'Localizer (validation): cIoU {loc["loc/cIoU"]:.3f}, pointing {loc["loc/pointing"]:.3f} '
                     f'(centre box: pointing {loc["loc/center/pointing"]:.3f}).')
    if 'figure' in summary:
        lines.append(f'Picture (localization map, ASL-guided and TubeToken masks of one test clip): '
                     f'{summary["figure"]["path"]}')
    steps = ', '.join(f'{k} {v:.0f} s' for k, v in secs.items())
    lines.append(f'Total time {sum(secs.values()):.0f} s ({steps}).')
    return '\n'.join(lines)


def run_main_job(cfg: Optional[MainJobConfig], repo_root: Union[str, os.PathLike],
                 echo: Callable[[str], None] = print) -> dict:
    """Run the main job with ``cfg`` (default: the README's job). See :class:`MainJob`.

    Args:
        cfg: What to run (None: the README's job).
        repo_root: The mmavssl checkout to run in (see :class:`MainJob`).
        echo: Receives every output line.

    Returns:
        The summary dict.
    """
    return MainJob(cfg or MainJobConfig(), repo_root, echo).run()
