"""The study modules assume no checkout layout: the repository root and the tools folder are arguments."""
import importlib
import inspect
import pkgutil
import shutil
import sys
from pathlib import Path

import pytest

import mmavssl.studies
from mmavssl.studies import BenchmarkEntry, MainJob, MainJobConfig, run_main_job, run_study

FAKE_TOOLS = Path(__file__).resolve().parent / 'fake_tools'
MODULES = sorted(m.name for m in pkgutil.iter_modules(mmavssl.studies.__path__))


def test_the_package_is_split_into_spec_runner_report() -> None:
    assert MODULES == ['report', 'runner', 'spec']


@pytest.mark.parametrize('name', MODULES)
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


def test_main_job_runs_the_tools_of_the_given_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository root in tmp_path with stand-in tools in a folder of another name: the job trains and tests
    through exactly those tools, from that root, whatever the current directory."""
    repo, tools = tmp_path / 'checkout', tmp_path / 'checkout' / 'my_tools'
    tools.mkdir(parents=True)
    for name in ('train.py', 'test.py'):
        shutil.copy(FAKE_TOOLS / name, tools / name)
    (repo / 'toy.py').write_text('model = dict(type="Toy")\n')
    monkeypatch.setenv('FAKE_TOOLS_LOG', str(tmp_path / 'calls.txt'))
    monkeypatch.chdir(tmp_path)  # not the root: the job must not depend on the current directory
    job = MainJob(MainJobConfig(work_dir='job', python=sys.executable), repo, echo=lambda _: None,
                  tools_dir='my_tools')
    result = job._train_and_test('toy.py', repo / 'job' / 'supervised', ['acc=0.7'])
    assert result['checkpoint'] == str(repo / 'job' / 'supervised' / 'train' / 'iter_2.pth')
    assert result['acc/top1'] == pytest.approx(0.7)
    assert (tmp_path / 'calls.txt').read_text().split() == [
        'train', str(repo / 'job' / 'supervised' / 'train'), '0', 'None',
        'test', str(repo / 'job' / 'supervised' / 'train' / 'iter_2.pth')]
    assert f'{sys.executable} my_tools/train.py toy.py' in (repo / 'job' / 'supervised' / 'log.txt').read_text()
