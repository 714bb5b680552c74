"""tools/train.py and tools/test.py as a user runs them (subprocesses on the toy config)."""
import pickle
import shutil
from pathlib import Path

import pytest

from toolbox_testing import REPO_ROOT, TOY_CONFIG, run_python

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Train 4 of the toy config's 8 iterations with tools/train.py; return the work dir.

    ``--auto-scale-lr`` scales lr 0.5 by batch 4 / base batch 8 (from the sgd_200iter schedule) to 0.25.
    """
    work_dir = tmp_path_factory.mktemp('tools') / 'work'
    done = run_python(['tools/train.py', TOY_CONFIG, '--work-dir', work_dir, '--seed', '3', '--deterministic',
                       '--auto-scale-lr', '--cfg-options', 'train_cfg.max_iters=4'], cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'lr: 2.5000e-01' in done.stdout + done.stderr
    return work_dir


def test_train_applies_flags(trained: Path) -> None:
    assert (trained / 'iter_4.pth').is_file() and not (trained / 'iter_6.pth').exists()
    dumped = next(trained.glob('*/vis_data/config.py')).read_text()
    assert "seed=3" in dumped and 'deterministic=True' in dumped and 'max_iters=4' in dumped


def test_resume_continues_from_latest(trained: Path) -> None:
    done = run_python(['tools/train.py', TOY_CONFIG, '--work-dir', trained, '--resume'], cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'resumed epoch: 0, iter: 4' in done.stdout + done.stderr
    assert (trained / 'iter_8.pth').is_file()


def test_test_tool_evaluates_and_dumps(trained: Path, tmp_path: Path) -> None:
    dump = tmp_path / 'preds.pkl'
    done = run_python(['tools/test.py', TOY_CONFIG, trained / 'iter_4.pth', '--work-dir', tmp_path / 'test',
                       '--dump', dump], cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'acc/top1' in done.stdout + done.stderr
    with open(dump, 'rb') as f:
        preds = pickle.load(f)  # written by this test just now
    assert len(preds) == 8 and all(p['pred_score'].shape == (4,) for p in preds)


def test_checkpoint_argument_wins_over_load_from_in_cfg_options(trained: Path, tmp_path: Path) -> None:
    """run_benchmark and the main job pass a fine-tune's ``load_from`` (its starting point) to test.py too; the
    checkpoint on the command line must still be the one tested, not the starting point."""
    (tmp_path / 'start.pth').write_bytes((trained / 'iter_4.pth').read_bytes())
    done = run_python(['tools/test.py', TOY_CONFIG, trained / 'iter_4.pth', '--work-dir', tmp_path / 'test',
                       '--cfg-options', f'load_from={tmp_path / "start.pth"}'], cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    log = done.stdout + done.stderr
    assert f'Load checkpoint from {trained / "iter_4.pth"}' in log and 'start.pth' not in log.split('Load checkpoint')[-1]


def test_abbreviated_options_are_refused(trained: Path, tmp_path: Path) -> None:
    """``--show`` must never be read as ``--show-dir``, nor ``--work`` as ``--work-dir``."""
    done = run_python(['tools/test.py', TOY_CONFIG, trained / 'iter_4.pth', '--work', tmp_path], cwd=REPO_ROOT)
    assert done.returncode == 2 and 'unrecognized arguments: --work' in done.stderr


def test_dump_needs_a_pickle_name(trained: Path, tmp_path: Path) -> None:
    done = run_python(['tools/test.py', TOY_CONFIG, trained / 'iter_4.pth', '--work-dir', tmp_path,
                       '--dump', tmp_path / 'preds.json'], cwd=REPO_ROOT)
    assert done.returncode != 0 and '--dump must name a .pkl or .pickle file' in done.stderr


def test_resume_wins_over_a_load_from_of_the_command_line(trained: Path, tmp_path: Path) -> None:
    """A fine-tune is started with load_from=<its start> and rerun with --resume: the rerun continues its own work
    dir (mmengine alone would resume from load_from), and a first run with --resume starts from load_from."""
    start = trained / 'iter_4.pth'
    latest = Path((trained / 'last_checkpoint').read_text().strip())
    work = tmp_path / 'copy'
    shutil.copytree(trained, work)
    (work / 'last_checkpoint').write_text(str(work / latest.name))
    done = run_python(['tools/train.py', TOY_CONFIG, '--work-dir', work, '--resume', '--cfg-options',
                       f'load_from={start}', f'train_cfg.max_iters={int(latest.stem.split("_")[1]) + 2}'],
                      cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f'resumed epoch: 0, iter: {latest.stem.split("_")[1]}' in done.stdout + done.stderr
    fresh = run_python(['tools/train.py', TOY_CONFIG, '--work-dir', tmp_path / 'fresh', '--resume',
                        '--cfg-options', f'load_from={start}', 'train_cfg.max_iters=2'], cwd=REPO_ROOT)
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert 'resumed epoch' not in fresh.stdout + fresh.stderr
    assert f'Load checkpoint from {start}' in next((tmp_path / 'fresh').glob('*/*.log')).read_text()
