"""The example downstream plugin loads through ``custom_imports`` and runs inside the Runner, on a config of the
toolbox and nothing of the test suite."""
import json
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from toolbox_testing import REPO_ROOT, synthetic_config

PLUGIN_ROOT = REPO_ROOT / 'projects' / 'example_plugin'
PLUGIN_CONFIG = PLUGIN_ROOT / 'configs' / 'loss_history_supervised_av.py'


def test_plugin_needs_nothing_from_the_tests() -> None:
    texts = {p: p.read_text() for p in PLUGIN_ROOT.rglob('*') if p.suffix in ('.py', '.md')}
    assert texts and not [p for p, text in texts.items() if 'tests/data' in text or 'toy_components' in text]
    cfg = Config.fromfile(str(PLUGIN_CONFIG), import_custom_modules=False)
    assert cfg.custom_imports.imports == ['example_plugin']
    assert cfg.model.type == 'AVRecognizer'


def test_plugin_hook_runs_in_the_runner(tiny_synthetic_root: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGIN_ROOT))
    cfg = synthetic_config(PLUGIN_CONFIG, tiny_synthetic_root, tmp_path, max_iters=3)
    cfg.default_hooks.logger.interval = 1
    runner = Runner.from_cfg(cfg)
    hook = next(h for h in runner.hooks if type(h).__name__ == 'LossHistoryHook')
    assert isinstance(hook, Hook) and type(hook).__module__ == 'example_plugin.loss_history_hook'
    runner.train()
    history = json.loads((tmp_path / 'loss_history.json').read_text())
    assert [h['iter'] for h in history] == [1, 2, 3]
    logged = runner.message_hub.get_scalar('train/loss').data[0]
    assert [h['loss'] for h in history] == pytest.approx(list(logged[-3:]))


def test_plugin_registers_into_mmavssl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGIN_ROOT))
    from example_plugin import LossHistoryHook

    from mmavssl.registry import HOOKS
    assert HOOKS.get('LossHistoryHook') is LossHistoryHook
    assert HOOKS.scope == 'mmavssl'
