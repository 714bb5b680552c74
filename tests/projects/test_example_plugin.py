"""The example downstream plugin loads through ``custom_imports`` and runs inside the Runner."""
import json
import sys
from pathlib import Path

import pytest
from mmengine.hooks import Hook

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'data'))
from toolbox_testing import REPO_ROOT, toy_runner  # noqa: E402

PLUGIN_ROOT = REPO_ROOT / 'projects' / 'example_plugin'
PLUGIN_CONFIG = PLUGIN_ROOT / 'configs' / 'toy_loss_history.py'


def test_plugin_hook_runs_in_the_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGIN_ROOT))
    runner = toy_runner(tmp_path, config=PLUGIN_CONFIG)
    hook = next(h for h in runner.hooks if type(h).__name__ == 'LossHistoryHook')
    assert isinstance(hook, Hook) and type(hook).__module__ == 'example_plugin.loss_history_hook'
    runner.train()
    history = json.loads((tmp_path / 'loss_history.json').read_text())
    assert [h['iter'] for h in history] == list(range(1, 9))
    logged = runner.message_hub.get_scalar('train/loss').data[0]
    assert [h['loss'] for h in history] == pytest.approx(list(logged[-8:]))


def test_plugin_registers_into_mmavssl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGIN_ROOT))
    from example_plugin import LossHistoryHook

    from mmavssl.registry import HOOKS
    assert HOOKS.get('LossHistoryHook') is LossHistoryHook
    assert HOOKS.scope == 'mmavssl'
