"""Resolved configs as JSON: what a refactor of the config tree must leave unchanged.

A config file's resolved dict (``Config.fromfile(...).to_dict()``) is what the Runner and the tools see. Its
top-level keys are either runner sections (model, optim_wrapper, the loops, dataloaders, evaluators, hooks, ...),
which must not change when only the inheritance changes, or helper variables (``student``, ``decode``,
``num_unlabeled``, ...) that a config computes for itself and its children, which may.

Used by tests/configs/test_config_tree.py (the committed snapshot of the paper-size family) and from the
command line to compare every config before and after a change::

    python tests/configs/resolved_configs.py dump .resolved_before      # before the change
    python tests/configs/resolved_configs.py dump .resolved_after       # after it
    python tests/configs/resolved_configs.py compare .resolved_before .resolved_after
    python tests/configs/resolved_configs.py snapshot                   # rewrite the committed snapshot
"""
import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List

from mmengine.config import Config

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = REPO_ROOT / 'configs'
SNAPSHOT = Path(__file__).resolve().parent / 'data' / 'resolved_paper_configs.json'

# Everything mmengine's Runner.from_cfg, tools/train.py, tools/test.py and the study runner read from a config.
# These must resolve to the same values after a change of the tree; any other top-level key is a helper variable.
SECTIONS = (
    'model', 'optim_wrapper', 'param_scheduler', 'train_cfg', 'val_cfg', 'test_cfg', 'train_dataloader',
    'val_dataloader', 'test_dataloader', 'val_evaluator', 'test_evaluator', 'custom_hooks', 'default_hooks',
    'randomness', 'load_from', 'resume', 'env_cfg', 'log_processor', 'log_level', 'visualizer', 'default_scope',
    'auto_scale_lr', 'launcher', 'work_dir', 'experiment_name', 'custom_imports', 'model_wrapper_cfg',
    'data_preprocessor',
    # study specs (configs/studies/*.py, mmavssl.studies.benchmark.load_spec)
    'entries', 'seeds', 'cfg_options',
)
# The paper-size family: the configs the committed snapshot covers. configs/synthetic/ is left out on purpose
# (its values are tuned as the benchmark evolves); compare it with `dump` / `compare` around a change instead.
PAPER_FAMILY = ('ucf51_*.py', 'k400_*.py', 'vggsound_*.py', 'baselines/*.py', 'ablations/*.py', 'benchmarks/*.py')


def experiment_configs() -> List[str]:
    """Every config under configs/ outside configs/_base_, as paths relative to configs/ (sorted)."""
    return sorted(p.relative_to(CONFIG_DIR).as_posix() for p in CONFIG_DIR.rglob('*.py')
                  if p.relative_to(CONFIG_DIR).parts[0] != '_base_')


def paper_configs() -> List[str]:
    """The paper-size family (:data:`PAPER_FAMILY`), relative to configs/ (sorted)."""
    return sorted({p.relative_to(CONFIG_DIR).as_posix() for pattern in PAPER_FAMILY
                   for p in CONFIG_DIR.glob(pattern)})


def _jsonable(node: Any) -> Any:
    """``node`` with tuples tagged (JSON would turn them into lists, and a tuple-to-list change is a change)."""
    if isinstance(node, dict):
        return {str(k): _jsonable(v) for k, v in node.items()}
    if isinstance(node, tuple):
        return {'__tuple__': [_jsonable(v) for v in node]}
    if isinstance(node, list):
        return [_jsonable(v) for v in node]
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    return {'__repr__': repr(node)}


def resolve(name: str) -> Dict[str, Any]:
    """The resolved dict of ``configs/<name>`` in JSON form (every top-level key)."""
    return _jsonable(Config.fromfile(str(CONFIG_DIR / name)).to_dict())


def sections(resolved: Dict[str, Any]) -> Dict[str, Any]:
    """The runner sections (:data:`SECTIONS`) of a resolved dict."""
    return {k: v for k, v in resolved.items() if k in SECTIONS}


def dump(out_dir: Path, names: Iterable[str]) -> None:
    """Write ``<out_dir>/<name>.json`` (sorted keys) for every config in ``names``."""
    for name in names:
        path = out_dir / (name + '.json')
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(resolve(name), indent=1, sort_keys=True) + '\n')


def diff(a: Any, b: Any, where: str = '') -> List[str]:
    """Human-readable differences between two JSON trees (``where``: the dotted path so far)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            sub = f'{where}.{key}' if where else key
            if key not in a:
                out.append(f'{sub}: added {json.dumps(b[key])[:200]}')
            elif key not in b:
                out.append(f'{sub}: removed (was {json.dumps(a[key])[:200]})')
            else:
                out += diff(a[key], b[key], sub)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in diff(x, y, f'{where}[{i}]')]
    return [] if a == b else [f'{where}: {json.dumps(a)[:200]} -> {json.dumps(b)[:200]}']


def compare(before: Path, after: Path) -> int:
    """Print the differences between two dumps; return the number of runner-section differences."""
    names = sorted({p.relative_to(d).as_posix() for d in (before, after) for p in d.rglob('*.json')})
    failures = 0
    for name in names:
        if not (before / name).is_file() or not (after / name).is_file():
            print(f'{name}: only in {"after" if (after / name).is_file() else "before"}')
            failures += 1
            continue
        a, b = (json.loads((d / name).read_text()) for d in (before, after))
        strict = diff(sections(a), sections(b))
        helpers = diff({k: v for k, v in a.items() if k not in SECTIONS},
                       {k: v for k, v in b.items() if k not in SECTIONS})
        failures += len(strict)
        for line in strict:
            print(f'{name}: SECTION {line}')
        for line in helpers:
            print(f'{name}: helper {line}')
    print(f'{len(names)} configs compared, {failures} runner-section differences')
    return failures


def write_snapshot() -> None:
    """Rewrite :data:`SNAPSHOT` with the runner sections of the paper-size family."""
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text(json.dumps({name: sections(resolve(name)) for name in paper_configs()}, indent=1,
                                   sort_keys=True) + '\n')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('dump', help='write every experiment config resolved to OUT_DIR/<config>.json')
    p.add_argument('out_dir', type=Path)
    p = sub.add_parser('compare', help='list the differences between two dumps (exit 1 on a runner section)')
    p.add_argument('before', type=Path)
    p.add_argument('after', type=Path)
    sub.add_parser('snapshot', help=f'rewrite {SNAPSHOT.relative_to(REPO_ROOT)} (the paper-size family)')
    args = parser.parse_args()
    if args.command == 'dump':
        dump(args.out_dir, experiment_configs())
    elif args.command == 'compare':
        return 1 if compare(args.before, args.after) else 0
    else:
        write_snapshot()
    return 0


if __name__ == '__main__':
    sys.exit(main())
