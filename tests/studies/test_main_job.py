"""The main job's orchestration, run end to end with the toy config standing in for the real ones."""
import json
from pathlib import Path

import pytest

from mmavssl.studies import MainJobConfig, format_summary, run_main_job

from toolbox_testing import DATA_DIR, REPO_ROOT, TOY_CONFIG

TINY_DATA = dict(num_shapes=2, num_timbres=2, shapes=('circle', 'square'), timbres=('low_tone', 'high_tone'),
                 ambiguous_sound=0.0, train_per_class=2, val_per_class=1, test_per_class=1, width=32, height=32,
                 fps=8, duration=1.0, shots=(1,))


@pytest.mark.slow
def test_main_job_runs_steps_in_order_and_skips_finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('PYTHONPATH', str(DATA_DIR))
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    cfg = MainJobConfig(data_root=str(tmp_path / 'data'), work_dir=str(tmp_path / 'job'),
                        localizer_config=str(TOY_CONFIG), supervised_config=str(TOY_CONFIG),
                        semi_config=str(TOY_CONFIG), localizer_ckpt_key='localizer_checkpoint',
                        source_root=None, figure_index=None, synthetic=TINY_DATA, localizer_options=[],
                        semi_options=[],
                        bootstrap_samples=200)
    lines = []
    summary = run_main_job(cfg, REPO_ROOT, echo=lines.append)

    assert (tmp_path / 'data' / 'manifest.json').is_file()
    loc_ckpt = summary['localizer']['checkpoint']
    assert Path(loc_ckpt).is_file() and loc_ckpt.endswith('iter_8.pth')
    for step in ('supervised', 'semi_supervised'):
        assert 0.0 <= summary[step]['acc/top1'] <= 1.0
        assert Path(summary[step]['checkpoint']).is_file()
    # the localizer checkpoint reached the semi-supervised training as the configured key
    semi_log = (tmp_path / 'job' / 'semi_supervised' / 'log.txt').read_text()
    assert f'localizer_checkpoint={loc_ckpt}' in semi_log
    assert f"load_from={summary['supervised']['checkpoint']}" in semi_log
    assert json.loads((tmp_path / 'job' / 'summary.json').read_text())['supervised'] == summary['supervised']
    assert format_summary(summary) in '\n'.join(lines)
    assert any(line.startswith('[4/5] semi_supervised: done') for line in lines)
    comp = summary['comparison']
    assert comp['num_clips'] == 8 and comp['low'] <= comp['diff'] <= comp['high']
    assert comp['diff'] == pytest.approx(summary['semi_supervised']['acc/top1'] - summary['supervised']['acc/top1'])

    # a rerun reuses every finished step and trains nothing
    rerun = []
    assert run_main_job(cfg, REPO_ROOT, echo=rerun.append)['semi_supervised'] == summary['semi_supervised']
    assert sum('finished earlier' in line for line in rerun) == 5
    assert not any('tools/train.py' in line for line in rerun)


def test_format_summary_reports_the_gain() -> None:
    summary = dict(supervised={'config': 'a.py', 'acc/top1': 0.25, 'acc/mean1': 0.2, 'subset/sound_names_class': 0.4,
                               'subset/sound_ambiguous': 0.9},
                   semi_supervised={'config': 'b.py', 'acc/top1': 0.5, 'acc/mean1': 0.45},
                   comparison=dict(diff=0.25, low=0.2, high=0.3, num_clips=600),
                   localizer={'loc/cIoU': 0.5, 'loc/pointing': 0.9, 'loc/center/pointing': 0.2},
                   seconds=dict(data=1.0, localizer=2.0, supervised=3.0, semi_supervised=4.0))
    table = format_summary(summary)
    assert '| 25.00 | 20.00 | 40.00 | 90.00 | 3 |' in table and '| 50.00 | 45.00 | - | - | 4 |' in table
    assert '+25.00 points top-1 on 600 test clips, paired 95 % bootstrap interval [+20.00, +30.00]' in table
    assert 'pointing 0.900 (centre box: pointing 0.200)' in table and 'Total time 10 s' in table


def test_localizer_no_better_than_the_centre_box_stops_the_job(tmp_path: Path) -> None:
    from mmavssl.studies import MainJob
    run = tmp_path / 'localizer' / 'train' / '20260101_000000' / 'vis_data'
    run.mkdir(parents=True)
    row = {'loc/cIoU': 0.0, 'loc/pointing': 0.2, 'loc/center/pointing': 0.21, 'step': 100}
    (run / 'scalars.json').write_text(json.dumps(row) + '\n')
    job = MainJob(MainJobConfig(work_dir=str(tmp_path)), tmp_path)
    with pytest.raises(RuntimeError, match='does not beat the centre box'):
        job._check_localizer(tmp_path / 'localizer')
    row['loc/pointing'] = 0.9
    (run / 'scalars.json').write_text(json.dumps(row) + '\n')
    assert job._check_localizer(tmp_path / 'localizer')['loc/pointing'] == 0.9


def test_figure_step_runs_visualize_masks_with_the_trained_localizer(tmp_path: Path) -> None:
    from mmavssl.studies import MainJob
    script = tmp_path / 'tools' / 'analysis' / 'visualize_masks.py'
    script.parent.mkdir(parents=True)
    # a stand-in for the real script: records its arguments and writes the figure where it was told
    script.write_text('import sys, pathlib\n'
                      'out = pathlib.Path(sys.argv[sys.argv.index("--out-dir") + 1])\n'
                      'out.mkdir(parents=True)\n'
                      '(out / "clip_fig3.png").write_text(" ".join(sys.argv[1:]))\n')
    job = MainJob(MainJobConfig(work_dir='job', data_root='bench', figure_index=3), tmp_path, echo=lambda _: None)
    result = job._figure(tmp_path / 'job' / 'figure', 'loc.pth')
    args = Path(result['path']).read_text()
    assert result['path'].endswith('clip_fig3.png')
    assert '--ann-file bench/test.txt --index 3' in args and '--checkpoint loc.pth' in args
    assert f'--localizer-config {MainJobConfig().localizer_config}' in args
