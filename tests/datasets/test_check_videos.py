"""tools/analysis/check_videos.py and mmavssl.datasets.check: every missing, unreadable or silent video of a
list is reported up front, in parallel, and the tool exits non-zero."""
import os.path as osp
import sys
from pathlib import Path

import pytest

from mmavssl.datasets.check import check_video

from toolbox_testing import REPO_ROOT, run_python


def test_check_video_names_each_problem(media_dir: str, tmp_path: Path) -> None:
    assert check_video(osp.join(media_dir, 'sync.mkv')) is None
    assert 'has no audio stream' in check_video(osp.join(media_dir, 'noaudio.mkv'))
    assert check_video(osp.join(media_dir, 'noaudio.mkv'), require_audio=False) is None
    assert 'file not found' in check_video(str(tmp_path / 'absent.mp4'))
    broken = tmp_path / 'broken.mp4'
    broken.write_bytes(b'\x00garbage' * 100)
    assert str(broken) in check_video(str(broken))


def test_unreadable_video_gives_one_clear_line_and_no_raw_decoder_output(tmp_path: Path,
                                                                        capfd: pytest.CaptureFixture) -> None:
    broken = tmp_path / 'truncated.mp4'
    broken.write_bytes(b'\x00\x00\x00\x18ftypmp42' + b'\x00' * 200)
    capfd.readouterr()
    problem = check_video(str(broken))
    out, err = capfd.readouterr()
    assert str(broken) in problem and 're-encode or remove it' in problem
    # decord's FFmpeg and C++ logger ("ERROR opening: ...") write to file descriptor 2 directly
    assert out == '' and err == ''
    print('stderr still works', file=sys.stderr)
    assert capfd.readouterr().err == 'stderr still works\n'


def test_tool_lists_every_problem_and_exits_non_zero(media_dir: str, tmp_path: Path) -> None:
    (tmp_path / 'broken.mkv').write_bytes(b'\x00garbage' * 100)
    ann = tmp_path / 'list.txt'
    ann.write_text(f'{osp.join(media_dir, "sync.mkv")} 0\n{osp.join(media_dir, "noaudio.mkv")} 1\n'
                   f'{tmp_path / "broken.mkv"} 0\n{tmp_path / "absent.mkv"} 1\n')
    done = run_python(['tools/analysis/check_videos.py', ann, '--workers', '2'], cwd=REPO_ROOT)
    assert done.returncode == 1, done.stderr[-3000:]
    assert f'3 problem(s) in 4 videos of {ann}' in done.stdout
    for name in ('noaudio.mkv', 'broken.mkv', 'absent.mkv'):
        assert name in done.stdout
    ann.write_text(f'{osp.join(media_dir, "sync.mkv")} 0\n')
    done = run_python(['tools/analysis/check_videos.py', ann, '--workers', '1'], cwd=REPO_ROOT)
    assert done.returncode == 0 and '0 problem(s) in 1 videos' in done.stdout
