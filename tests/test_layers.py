"""mmavssl's subpackages import only downwards (docs/architecture.md, "Layers"): no import circle, no upward arrow.

Every ``import`` and ``from ... import`` of every module counts, also those inside functions, so a lazy import
cannot hide an arrow the wrong way.
"""
import ast
from collections import defaultdict
from pathlib import Path
from typing import Dict, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]

# tools -> apis/studies -> engine/evaluation/visualization -> models/datasets -> registry/utils. ``mmavssl`` is the
# package's __init__ (and version.py) at the bottom.
RANK = {'mmavssl': 0, 'version': 0, 'utils': 0, 'registry': 0, 'models': 1, 'datasets': 1, 'evaluation': 2,
        'engine': 2, 'visualization': 2, 'synthetic': 2, 'apis': 3, 'studies': 3}


def _unit(dotted: str) -> str:
    """The layer unit of a dotted mmavssl name: its first subpackage, or ``'mmavssl'`` for the root."""
    parts = dotted.split('.')
    return parts[1] if len(parts) > 1 else 'mmavssl'


def import_arrows() -> Dict[Tuple[str, str], Set[str]]:
    """``{(importing unit, imported unit): {'module -> target', ...}}`` over every mmavssl module."""
    arrows = defaultdict(set)
    for path in (ROOT / 'mmavssl').rglob('*.py'):
        parts = list(path.relative_to(ROOT).with_suffix('').parts)
        is_init = parts[-1] == '__init__'
        module = '.'.join(parts[:-1] if is_init else parts)
        package = module if is_init else module.rpartition('.')[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split('.')[:len(package.split('.')) - node.level + 1]
                    targets = ['.'.join(base + ([node.module] if node.module else []))]
                else:
                    targets = [node.module or '']
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                if target == 'mmavssl' or target.startswith('mmavssl.'):
                    arrows[(_unit(module), _unit(target))].add(f'{module} -> {target}')
    return arrows


def test_every_subpackage_has_a_layer() -> None:
    units = {p.name if p.is_dir() else p.stem for p in (ROOT / 'mmavssl').iterdir()
             if (p.is_dir() and (p / '__init__.py').is_file()) or (p.suffix == '.py' and p.stem != '__init__')}
    assert units <= set(RANK), f'add {sorted(units - set(RANK))} to RANK'


def test_no_import_goes_up_a_layer() -> None:
    upward = sorted(line for (src, dst), lines in import_arrows().items() if RANK[dst] > RANK[src]
                    for line in lines)
    assert not upward, 'imports against the layers:\n' + '\n'.join(upward)


def test_subpackages_form_no_import_circle() -> None:
    graph = defaultdict(set)
    for src, dst in import_arrows():
        if src != dst:
            graph[src].add(dst)

    def circle_from(node: str, path: Tuple[str, ...]) -> Tuple[str, ...]:
        for nxt in sorted(graph[node]):
            if nxt in path:
                return path[path.index(nxt):] + (nxt, )
            found = circle_from(nxt, path + (nxt, ))
            if found:
                return found
        return ()

    circles = [c for c in (circle_from(n, (n, )) for n in sorted(graph)) if c]
    assert not circles, f'import circles: {circles}'


def test_importing_mmavssl_loads_no_generator_code() -> None:
    import subprocess
    import sys
    code = ('import sys, mmavssl, mmavssl.datasets, mmavssl.models; '
            'print([m for m in sys.modules if m.startswith("mmavssl.synthetic")])')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == '[]'
