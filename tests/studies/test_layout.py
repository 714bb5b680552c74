"""The study modules assume no checkout layout: the repository root and the tools folder are arguments."""
import importlib
import inspect
from pathlib import Path

import pytest

from mmavssl.studies import BenchmarkEntry, MainJobConfig, run_main_job, run_study

FAKE_TOOLS = Path(__file__).resolve().parent / 'fake_tools'


@pytest.mark.parametrize('name', ['benchmark', 'main_job', 'sweep'])
def test_modules_do_not_locate_the_checkout(name: str) -> None:
    source = inspect.getsource(importlib.import_module(f'mmavssl.studies.{name}'))
    assert '__file__' not in source and 'parents[' not in source


def test_run_study_runs_from_any_folder_with_explicit_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('FAKE_TOOLS_LOG', str(tmp_path / 'calls.txt'))
    config = Path(__file__).resolve().parents[1] / 'data' / 'configs' / 'toy_iter.py'
    records = run_study([BenchmarkEntry('a', str(config))], tmp_path / 'study', [0], tools_dir=FAKE_TOOLS,
                        log=lambda line: None)
    assert [r.status for r in records] == ['done']
    with pytest.raises(FileNotFoundError, match='tools_dir'):
        run_study([BenchmarkEntry('a', str(config))], tmp_path / 'other', [0], tools_dir=tmp_path)


def test_main_job_needs_its_repository_root() -> None:
    assert 'repo_root' in inspect.signature(run_main_job).parameters
    with pytest.raises(TypeError):
        run_main_job(MainJobConfig())
