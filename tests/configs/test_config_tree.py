"""The shape of the config tree (configs/README.md): every experiment config builds, is at most 3 files deep, and
inherits only `_base_` files; the semi-supervised rows reach a method base of `_base_/semi/`; the class and clip
counts of every semi-supervised model match its dataset; the paper-size family resolves as the committed snapshot.

Depth follows mmdetection's count: a file without `_base_` has depth 1, any other file 1 + the deepest of its
bases. A config whose bases inherit nothing (mmdetection's soft-teacher config) has depth 2.
"""
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmavssl.models.utils.flops import build_meta_model
from resolved_configs import CONFIG_DIR, SNAPSHOT, diff, experiment_configs, paper_configs, resolve, sections

MAX_DEPTH = 3
EXPERIMENTS = experiment_configs()
ALL_CONFIGS = sorted(p.relative_to(CONFIG_DIR).as_posix() for p in CONFIG_DIR.rglob('*.py'))
REGENERATE = 'python tests/configs/resolved_configs.py snapshot'


def is_base(path: Path) -> bool:
    """Whether ``path`` lies in a `_base_` folder (configs/_base_/, configs/studies/_base_/, ...)."""
    return '_base_' in path.relative_to(CONFIG_DIR).parts[:-1]


@lru_cache(maxsize=None)
def bases(path: Path) -> Tuple[Path, ...]:
    """The files ``path`` names in `_base_`, resolved as mmengine resolves them."""
    return tuple(Path(Config._get_cfg_path(base, str(path))[0]).resolve()
                 for base in Config._get_base_files(str(path)))


@lru_cache(maxsize=None)
def depth(path: Path) -> int:
    """Inheritance depth of ``path`` (1 without bases)."""
    return 1 + max((depth(base) for base in bases(path)), default=0)


def deepest_chain(path: Path) -> List[str]:
    """``path`` and its deepest line of bases, relative to configs/ (for failure messages)."""
    chain = [path]
    while bases(chain[-1]):
        chain.append(max(bases(chain[-1]), key=depth))
    return [p.relative_to(CONFIG_DIR).as_posix() for p in chain]


def ancestors(path: Path) -> Iterable[Path]:
    """Every file ``path`` inherits, directly or through its bases."""
    for base in bases(path):
        yield base
        yield from ancestors(base)


def config_path(name: str) -> Path:
    return (CONFIG_DIR / name).resolve()


@pytest.mark.parametrize('name', EXPERIMENTS)
def test_experiment_config_builds(name: str) -> None:
    cfg = Config.fromfile(str(CONFIG_DIR / name))
    if 'model' in cfg:  # study specs (configs/studies/) have none
        init_default_scope(cfg.get('default_scope', 'mmavssl'))
        assert sum(p.numel() for p in build_meta_model(cfg.model).parameters()) > 0


@pytest.mark.parametrize('name', EXPERIMENTS)
def test_depth_at_most_three(name: str) -> None:
    path = config_path(name)
    assert depth(path) <= MAX_DEPTH, f'{name} is {depth(path)} deep: {" -> ".join(deepest_chain(path))}'


@pytest.mark.parametrize('name', ALL_CONFIGS)
def test_only_base_files_are_inherited(name: str) -> None:
    """An experiment config is never the base of another config: variants inherit the `_base_` files the
    experiment inherits (a method base of `_base_/semi/`, a family base, a dataset base)."""
    outside = [b.relative_to(CONFIG_DIR).as_posix() for b in bases(config_path(name)) if not is_base(b)]
    assert not outside, f'{name} inherits the experiment config(s) {outside}'


SEMI = [name for name in EXPERIMENTS
        if Config.fromfile(str(CONFIG_DIR / name)).get('model', {}).get('type') in ('SemiSupervisedAVRecognizer',
                                                                                     'SoundSwapAVRecognizer')]


def test_semi_configs_found() -> None:
    assert {'ucf51_asl_1shot.py', 'ablations/ucf51_av_tubetoken_1shot.py', 'baselines/ucf51_svformer_fixed_1shot.py',
            'synthetic/asl_1shot.py', 'synthetic/svformer_fixed_1shot.py'} <= set(SEMI)


@pytest.mark.parametrize('name', SEMI)
def test_semi_configs_use_the_shared_method_bases(name: str) -> None:
    """Both families build the method from `_base_/semi/asl.py`; the TubeToken and SVFormer rows add their base."""
    inherited = {p.relative_to(CONFIG_DIR).as_posix() for p in ancestors(config_path(name))}
    assert '_base_/semi/asl.py' in inherited
    row = Path(name).stem
    if 'tubetoken' in row:
        assert '_base_/semi/tubetoken.py' in inherited
    if 'svformer' in row:
        assert '_base_/semi/svformer.py' in inherited


@pytest.mark.parametrize('name', SEMI)
def test_semi_model_sizes_match_the_dataset(name: str) -> None:
    """The family bases hold a default class count (semi_asl_vit_b.py: UCF-51's); a config on another dataset must
    set its own (DataModelCheckHook would stop such a run at its start; this catches it without data). No config
    types FlexMatch's state size: the loop sizes it from the unlabeled list (None)."""
    cfg = Config.fromfile(str(CONFIG_DIR / name))
    head = cfg.model.recognizer.cls_head
    assert head.num_classes == cfg.num_classes, f'{name}: classifier and dataset disagree on the class count'
    threshold = cfg.model.threshold
    if 'num_unlabeled' in threshold:
        assert threshold.num_classes == cfg.num_classes
        assert threshold.num_unlabeled is None, f'{name}: types the unlabeled set size'


PAPER_SEMI = [name for name in SEMI if not name.startswith(('synthetic/', 'studies/', 'benchmarks/'))]


def test_paper_semi_configs_found() -> None:
    assert {'ucf51_asl_1shot.py', 'k400_asl_5shot.py', 'vggsound_asl_1shot.py', 'ablations/ucf51_asl_nolc_1shot.py',
            'baselines/ucf51_svformer_fixed_1shot.py'} <= set(PAPER_SEMI)


@pytest.mark.parametrize('name', PAPER_SEMI)
def test_paper_size_sizes_are_derived_from_the_data(name: str) -> None:
    """The paper's 50 epochs of the unlabeled set, with the lr drops at 84 % and 94 % of training: the loop computes
    the iterations from the sampler, so no config types them."""
    cfg = Config.fromfile(str(CONFIG_DIR / name))
    assert cfg.train_cfg.type == 'SemiIterBasedTrainLoop'
    assert cfg.train_cfg.max_epochs == 50 and 'max_iters' not in cfg.train_cfg, f'{name}: types the schedule length'
    schedulers = [s for s in cfg.param_scheduler if s.type == 'MultiStepLR']
    assert [s.milestones for s in schedulers] == [[0.84, 0.94]]


@pytest.fixture(scope='module')
def snapshot() -> Dict[str, dict]:
    import json
    return json.loads(SNAPSHOT.read_text())


def test_snapshot_covers_the_paper_family(snapshot: Dict[str, dict]) -> None:
    assert sorted(snapshot) == paper_configs(), f'paper-size configs added or removed: run {REGENERATE}'


@pytest.mark.parametrize('name', paper_configs())
def test_paper_config_resolves_as_snapshot(name: str, snapshot: Dict[str, dict]) -> None:
    """Model, optimizer, schedule, loops, loaders, evaluators, hooks, ... as resolved before the tree was flattened.
    A change meant to alter them rewrites the snapshot in the same commit (``REGENERATE``)."""
    if name not in snapshot:
        pytest.fail(f'{name} is not in {SNAPSHOT.name}: run {REGENERATE}')
    differences = diff(snapshot[name], sections(resolve(name)))
    assert not differences, f'{name} resolves differently from {SNAPSHOT.name} (if intended: {REGENERATE}):\n' + \
        '\n'.join(differences[:20])
