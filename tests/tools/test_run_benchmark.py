"""tools/analysis/run_benchmark.py on the toy config: a real 2-config x 2-seed study with tools/train.py and
tools/test.py as subprocesses, plus one config that fails."""
import json
import re
import statistics
from pathlib import Path

import pytest

from toolbox_testing import REPO_ROOT, TOY_CONFIG, run_python, subprocess_env

pytestmark = pytest.mark.slow
TOOL = 'tools/analysis/run_benchmark.py'
FAKE_TOOLS = Path(__file__).resolve().parents[1] / 'studies' / 'fake_tools'


@pytest.fixture(scope='module')
def study(tmp_path_factory: pytest.TempPathFactory):
    """Run the study once; return (spec path, work dir, finished process)."""
    root = tmp_path_factory.mktemp('bench')
    spec = root / 'spec.yaml'
    spec.write_text(
        'seeds: [0, 1]\n'
        'cfg_options: {train_cfg.max_iters: 4, train_cfg.val_interval: 4}\n'
        'entries:\n'
        f'  - {{name: lr0.5, config: {TOY_CONFIG}, group: sgd, x: 0.5}}\n'
        f'  - {{name: lr0.05, config: {TOY_CONFIG}, group: sgd, x: 0.05, '
        'cfg_options: {optim_wrapper.optimizer.lr: 0.05}}\n'
        f'  - {{name: broken, config: {TOY_CONFIG}, cfg_options: {{model.type: NoSuchModel}}}}\n')
    work = root / 'work'
    done = run_python([TOOL, '--spec', spec, '--work-dir', work], cwd=REPO_ROOT, timeout=300)
    return spec, work, done


def mmengine_metrics(run_dir: Path) -> dict:
    """The metrics tools/test.py wrote (read independently of the benchmark's own files)."""
    [path] = [p for p in (run_dir / 'test_final').glob('*/*.json') if p.stem == p.parent.name]
    return json.loads(path.read_text())


def test_table_matches_the_runs(study) -> None:
    _, work, done = study
    assert done.returncode == 1, done.stderr[-3000:]  # the broken entry makes the study incomplete
    table = (work / 'benchmark.md').read_text()
    for name in ('lr0.5', 'lr0.05'):
        runs = [mmengine_metrics(work / name / f'seed{s}') for s in (0, 1)]
        for key in ('acc/top1', 'acc/mean1'):
            values = [100 * r[key] for r in runs]
            assert f'{statistics.mean(values):.2f} ± {statistics.stdev(values):.2f}' in \
                re.search(rf'^\| {re.escape(name)} \|.*$', table, re.M).group(0)
        assert f'| {name} | sgd |' in table and '| final | 2 |' in table
    records = json.loads((work / 'benchmark.json').read_text())['runs']
    assert len(records) == 6 and sum(r['status'] == 'done' for r in records) == 4
    assert len((work / 'benchmark.csv').read_text().splitlines()) == 7


def test_failing_config_is_reported(study) -> None:
    _, work, done = study
    table = (work / 'benchmark.md').read_text()
    assert '| broken |  |  | final | 0 | — | — | seed 0: failed, seed 1: failed |' in table
    assert "KeyError: 'NoSuchModel is not in the mmavssl::model registry" in table
    assert (work / 'broken' / 'seed0' / 'benchmark' / 'train.log').is_file()


def test_rerun_trains_nothing(study) -> None:
    spec, work, _ = study
    stamps = {p: p.stat().st_mtime_ns for p in work.glob('*/seed*/**/*') if p.is_file()}
    again = run_python([TOOL, '--spec', spec, '--work-dir', work], cwd=REPO_ROOT, timeout=120)
    assert again.returncode == 1, again.stderr[-3000:]
    assert again.stdout.count('[skip]') == 4 and '[train]' not in again.stdout
    assert again.stdout.count('[incomplete] broken') == 2
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_dry_run_prints_commands(tmp_path: Path) -> None:
    done = run_python([TOOL, TOY_CONFIG, '--work-dir', tmp_path / 'w', '--seeds', '3', '--dry-run',
                       '--train-args=--deterministic', '--cfg-options', 'train_cfg.max_iters=2'],
                      cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f'tools/train.py {TOY_CONFIG} --work-dir {tmp_path / "w" / "toy_iter" / "seed3"} --seed 3 ' \
           '--deterministic --cfg-options train_cfg.max_iters=2' in done.stdout
    assert 'tools/test.py' in done.stdout and not (tmp_path / 'w').exists()


def test_flops_columns_from_a_function_path(tmp_path: Path) -> None:
    """--flops MODULE:FUNC adds columns (stand-in tools keep this quick)."""
    calls = tmp_path / 'calls.txt'
    args = [TOOL, TOY_CONFIG, '--work-dir', tmp_path / 'w', '--tools-dir', FAKE_TOOLS,
                '--flops', 'complexity:num_classes']
    env = subprocess_env(FAKE_TOOLS)
    env['FAKE_TOOLS_LOG'] = str(calls)
    done = run_python(args, cwd=REPO_ROOT, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert '| toy_iter |  |  | final | 1 | 50.00 | 45.00 | 4 |  |' in (tmp_path / 'w' / 'benchmark.md').read_text()
