"""QuietRunner (the runner of tools/train.py and tools/test.py): the start-up dumps go to the log file only."""
import logging
import uuid
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmavssl.engine.runner import QuietRunner
from mmavssl.engine.runner.quiet_runner import FileOnlyFilter

from toolbox_testing import TOY_CONFIG, runner_log


def test_console_names_the_log_file_that_holds_the_dumps(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    torch.set_num_threads(1)
    cfg = Config.fromfile(TOY_CONFIG)
    cfg.merge_from_dict({'train_cfg.max_iters': 2, 'train_cfg.val_interval': 2})
    cfg.work_dir, cfg.experiment_name = str(tmp_path), f'quiet_{uuid.uuid4().hex}'
    capsys.readouterr()
    runner = QuietRunner.from_cfg(cfg)
    runner.train()
    console = capsys.readouterr().out
    log = runner_log(runner)
    for dump in ('System environment:', 'Config:', 'Hooks will be executed in the following order:'):
        assert dump in log and dump not in console, dump
    assert f'environment, config and hook order: in {Path(runner.log_dir) / runner.timestamp}.log' in console
    assert 'Iter(train) [2/2]' in console and 'Iter(train) [2/2]' in log
    assert len(console.splitlines()) < 15


@pytest.mark.parametrize('message, kept', [
    ('"FileClient" will be deprecated in future. Please use io functions in https://...', False),
    ('"HardDiskBackend" is the alias of "LocalBackend" and the former will be deprecated in future.', False),
    ('Iter(train) [1/2]  loss: 1.0', True),
    ('the config names "FileClient"', True),
])
def test_filter_drops_only_the_unactionable_records(message: str, kept: bool) -> None:
    record = logging.LogRecord('mmengine', logging.WARNING, __file__, 1, message, None, None)
    assert FileOnlyFilter().filter(record) is kept
