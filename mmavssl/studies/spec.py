"""What a study is: its rows (:class:`BenchmarkEntry`), read from a spec file and handed to the tools as
``--cfg-options``; the record of each run (:class:`RunRecord`) and where a run dumps its predictions; the settings
of the README's main job (:class:`MainJobConfig`).
"""
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from mmengine.config import Config, DictAction

DEFAULT_METRICS: Tuple[str, ...] = ('acc/top1', 'acc/mean1')

CHECKPOINT_KINDS: Tuple[str, ...] = ('final', 'best')

XValue = Union[int, float, str, None]

METRICS = ('acc/top1', 'acc/mean1')

# Reported when the test evaluator has them (SubsetAccuracy of the synthetic configs): top-1 on the clips whose
# sound names the class and on those where only the video does.
OPTIONAL_METRICS = ('subset/sound_names_class', 'subset/sound_ambiguous')

# The localizer's validation metrics, and the centre-box baseline it must beat.
LOCALIZER_METRICS = ('loc/cIoU', 'loc/pointing', 'loc/center/pointing')

# Environment variables the synthetic configs read their data folders from (mmengine's `{{$VAR:default}}`):
# the benchmark (configs/_base_/datasets/synthetic_av.py, configs/localizer/fnac_r18_synthetic.py) and the
# pretraining source set. Unset, they are data/synthetic_av_bench and data/synthetic_av_source.
DATA_ROOT_ENV = 'MMAVSSL_SYNTHETIC_ROOT'
SOURCE_ROOT_ENV = 'MMAVSSL_SYNTHETIC_SOURCE_ROOT'


@dataclass
class BenchmarkEntry:
    """One row of a study: a config with its overrides.

    Args:
        name: Row name, also the folder under the study root (no path separators).
        config: Config file (relative paths are relative to the current directory).
        cfg_options: Overrides as for ``--cfg-options``; nested dicts are flattened to dotted keys. In string
            values ``{seed}`` and ``{work_dir}`` become the run's seed and the study root.
        group: Optional label of a group of rows (a line in the sweep plots of :mod:`mmavssl.studies.report`).
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


def predictions_path(run_dir: Union[str, os.PathLike], kind: str) -> Path:
    """Where the test of checkpoint ``kind`` of a run dumps its per-clip predictions."""
    return Path(run_dir) / f'test_{kind}' / 'predictions.pkl'


def flatten_options(options: Mapping[str, Any], prefix: str = '') -> Dict[str, Any]:
    """Flatten nested dicts into dotted keys (``{'a': {'b': 1}}`` -> ``{'a.b': 1}``)."""
    flat = {}
    for key, value in options.items():
        full = f'{prefix}{key}'
        if isinstance(value, Mapping):
            flat.update(flatten_options(value, f'{full}.'))
        else:
            flat[full] = value
    return flat


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
    for key, value in flatten_options(options).items():
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


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as JSON via a temporary file, so an interruption never leaves half a file."""
    tmp = path.with_name(path.name + '.tmp')
    with open(tmp, 'w') as f:
        json.dump(obj, f, indent=1)
    os.replace(tmp, path)


@dataclass
class MainJobConfig:
    """What the main job runs; the defaults are the README's 15-minute CPU job.

    Attributes:
        data_root: Where the synthetic benchmark is generated (or reused when identical); by default the folder
            that ``MMAVSSL_SYNTHETIC_ROOT`` names, else data/synthetic_av_bench. The job hands it to every step
            in that variable, which the synthetic configs read.
        work_dir: Root of the job's work dirs and logs.
        source_root: Where the pretraining source set is generated (by default ``MMAVSSL_SYNTHETIC_SOURCE_ROOT``,
            else data/synthetic_av_source); None skips the source set and pretraining.
        pretrain_configs: Encoder name -> config that pretrains it on the source set (the synthetic stand-ins for
            the paper's AudioSet and ImageNet weights); each is one step, ``pretrain_<name>``.
        pretrained_keys: Encoder name -> config keys of the supervised config that receive that pretraining's
            checkpoint (the same names as ``pretrain_configs``).
        localizer_config: Config that trains the sound-source localizer.
        supervised_config: Labeled-only baseline (same labeled clips as the semi-supervised run).
        semi_config: The ASL-guided semi-supervised method; by default with the class-balanced selection of
            pseudo labels ranked by the teacher's audio head and the sound-swap term, chosen on validation
            (docs/results.md).
        localizer_ckpt_key: Config key of the semi-supervised model that receives the localizer checkpoint.
        init_semi_from_supervised: Start the semi-supervised run from the supervised-only checkpoint (a
            supervised warm-up, like SVFormer's ``WARM_EPOCH``): the student and the EMA teacher both begin
            as the baseline, so the run measures what the unlabeled clips add to it.
        localizer_options: ``--cfg-options`` of the localizer training; the default shortens it to 100
            iterations so the whole job fits 15 minutes on 2 CPU cores (on the benchmark the map already
            localizes after 100 iterations; docs/localizer.md).
        localizer_train_on: Longer schedules (``train_cfg.max_iters``, increasing) that the localizer training
            resumes to, one after the other, while its last validation metrics miss ``localizer_target``: on
            another generated set 100 iterations may not suffice (docs/localizer.md). Empty: never train on.
        localizer_restarts: Fresh localizer runs (seeds ``seed + 1000``, ``seed + 2000``, ...) tried one after the
            other when a run still misses ``localizer_target`` after its last schedule; each gets the same
            schedules. Some seeds stall on some generated sets (docs/localizer.md). 0: never restart.
        localizer_target: Validation metrics (``loc/*`` key -> lowest value) the localizer should reach before
            the job goes on. Missing it after the last schedule only prints a warning; a localizer that points
            at the source no better than the centre box stops the job.
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
    data_root: str = field(default_factory=lambda: os.environ.get(DATA_ROOT_ENV, 'data/synthetic_av_bench'))
    work_dir: str = 'work_dirs/main_job'
    source_root: Optional[str] = field(
        default_factory=lambda: os.environ.get(SOURCE_ROOT_ENV, 'data/synthetic_av_source'))
    pretrain_configs: Dict[str, str] = field(default_factory=lambda: {
        'audio': 'configs/synthetic/pretrain_source_audio.py', 'video': 'configs/synthetic/pretrain_source_video.py'})
    pretrained_keys: Dict[str, List[str]] = field(default_factory=lambda: {
        'audio': ['model.audio_backbone.init_cfg.checkpoint'], 'video': ['model.video_backbone.init_cfg.checkpoint']})
    localizer_config: str = 'configs/localizer/fnac_r18_synthetic.py'
    supervised_config: str = 'configs/synthetic/supervised_av_1shot.py'
    semi_config: str = 'configs/synthetic/asl_1shot.py'
    localizer_ckpt_key: str = 'model.localizer.checkpoint'
    init_semi_from_supervised: bool = True
    localizer_options: List[str] = field(default_factory=lambda: [
        'train_cfg.max_iters=100', 'train_cfg.val_interval=100', 'default_hooks.checkpoint.interval=100'])
    localizer_train_on: List[int] = field(default_factory=lambda: [200, 400, 800])
    localizer_restarts: int = 1
    localizer_target: Dict[str, float] = field(default_factory=lambda: {'loc/cIoU': 0.5, 'loc/pointing': 0.8})
    semi_options: List[str] = field(default_factory=lambda: ['optim_wrapper.optimizer.lr=0.0002'])
    seed: int = 0
    synthetic: Dict[str, Any] = field(default_factory=dict)
    source_synthetic: Dict[str, Any] = field(default_factory=dict)
    bootstrap_samples: int = 10000
    figure_index: Optional[int] = 0
    extra_train_args: List[str] = field(default_factory=list)
    python: str = sys.executable

    def __post_init__(self) -> None:
        if any(b <= a for a, b in zip(self.localizer_train_on, self.localizer_train_on[1:])) or any(
                n <= 0 for n in self.localizer_train_on):
            raise ValueError(f'MainJobConfig: localizer_train_on must be increasing positive iteration counts, got '
                             f'{self.localizer_train_on}.')
        if self.localizer_restarts < 0:
            raise ValueError(f'MainJobConfig: localizer_restarts must be >= 0, got {self.localizer_restarts}.')
        unknown = sorted(set(self.localizer_target) - set(LOCALIZER_METRICS))
        if unknown:
            raise ValueError(f'MainJobConfig: localizer_target names {unknown}; use keys of {list(LOCALIZER_METRICS)}.')
        if set(self.pretrain_configs) != set(self.pretrained_keys):
            raise ValueError(f'MainJobConfig: pretrain_configs names {sorted(self.pretrain_configs)} but '
                             f'pretrained_keys names {sorted(self.pretrained_keys)}; give every pretraining the '
                             'config keys that receive its checkpoint, and no keys without a pretraining.')
