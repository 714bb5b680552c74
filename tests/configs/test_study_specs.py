"""The study specs under configs/studies/: their configs exist and every override names an existing key.

A typo in an override (``model.threshold.p_cutoff`` on a fixed threshold, say) would otherwise add a dead key
that mmengine accepts silently, and a sweep would train the same model at every point.
"""
from pathlib import Path
from typing import Any

import pytest
from mmengine.config import Config

from mmavssl.studies import load_spec

REPO_ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((REPO_ROOT / 'configs' / 'studies').glob('*.py'))
_MISSING = object()


def _lookup(cfg: Config, dotted: str) -> Any:
    node: Any = cfg.to_dict()
    for part in dotted.split('.'):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def test_specs_exist() -> None:
    assert {p.name for p in SPECS} >= {'synthetic_table2.py', 'synthetic_fig4.py', 'synthetic_fig5.py'}


@pytest.mark.parametrize('spec', SPECS, ids=lambda p: p.name)
def test_every_override_names_an_existing_key(spec: Path) -> None:
    entries, settings = load_spec(spec)
    assert entries and settings.get('seeds')
    for entry in entries:
        cfg = Config.fromfile(str(REPO_ROOT / entry.config))
        for key in entry.cfg_options:
            if key == 'load_from':  # mmengine's top-level key, None in the configs
                assert '{seed}' in entry.cfg_options[key], f'{entry.name}: load_from should follow the seed'
                continue
            assert _lookup(cfg, key) is not _MISSING, f'{spec.name}: {entry.name} overrides unknown key {key}'


def test_shared_rows_have_identical_runs() -> None:
    """Rows that two specs share (same name) must be the same run, or the second study reports it stale."""
    seen = {}
    for spec in SPECS:
        for entry in load_spec(spec)[0]:
            run = (entry.config, tuple(entry.cfg_options.items()))
            assert seen.setdefault(entry.name, run) == run, f'{entry.name} differs between specs ({spec.name})'
