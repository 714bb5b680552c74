"""tools/analysis/plot_sweep.py as a user runs it, on a benchmark.json written by the benchmark API."""
from pathlib import Path

from toolbox_testing import REPO_ROOT, run_python

from mmavssl.studies import RunRecord, summarize, write_outputs  # noqa: E402

TOOL = 'tools/analysis/plot_sweep.py'


def write_study(folder: Path) -> Path:
    """Frames-per-map sweep (Fig. 5 style): 2 values x 2 seeds, one group; return benchmark.json."""
    records = [RunRecord(f'asl_frames={f}', s, 'final', 'done', '', group='ASL',
                         metrics={'acc/top1': 0.4 + 0.01 * f + 0.02 * s, 'acc/mean1': 0.3})
               for f in (4, 1) for s in (0, 1)]
    return write_outputs(records, summarize(records), folder / 'benchmark')['json']


def test_cli_writes_png_and_table(tmp_path: Path) -> None:
    results = write_study(tmp_path)
    done = run_python([TOOL, results, '--param', 'frames', '--title', 'Fig. 5', '--label', 'frames per map'],
                      cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    png = (tmp_path / 'sweep_frames.png').read_bytes()
    assert png[:8] == b'\x89PNG\r\n\x1a\n' and len(png) > 1000
    table = (tmp_path / 'sweep_frames.md').read_text()
    assert table.splitlines()[0] == '| group | frames per map | n | top-1 (%) |'
    assert table.splitlines()[2:] == ['| ASL | 1 | 2 | 42.00 ± 1.41 |', '| ASL | 4 | 2 | 45.00 ± 1.41 |']


def test_cli_keeps_existing_files(tmp_path: Path) -> None:
    results = write_study(tmp_path)
    (tmp_path / 'fig.png').write_bytes(b'mine')
    done = run_python([TOOL, results, '--param', 'frames', '--out', tmp_path / 'fig.png'], cwd=REPO_ROOT)
    assert done.returncode != 0 and '--overwrite' in done.stderr
    assert (tmp_path / 'fig.png').read_bytes() == b'mine'
    done = run_python([TOOL, results, '--param', 'frames', '--out', tmp_path / 'fig.png', '--overwrite'],
                      cwd=REPO_ROOT)
    assert done.returncode == 0 and (tmp_path / 'fig.png').read_bytes()[:4] == b'\x89PNG'

