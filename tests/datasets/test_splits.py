"""Tests of list reading/writing, UCF-101/SVFormer conversion and labeled/unlabeled split drawing."""
import hashlib
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from mmavssl.datasets.splits import (VideoEntry, class_counts, draw_labeled_split, list_checksum,
                                     read_class_index, read_list, read_svformer_list, read_ucf_split,
                                     write_list)

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = [VideoEntry(f'c{c}/v{i}.mp4', c) for c in range(4) for i in range(3 + c)]


def test_draw_is_seeded_balanced_and_without_replacement():
    labeled, unlabeled = draw_labeled_split(ENTRIES, 2, seed=0)
    assert Counter(e.label for e in labeled) == {0: 2, 1: 2, 2: 2, 3: 2}
    assert len({e.path for e in labeled}) == 8
    assert not {e.path for e in labeled} & {e.path for e in unlabeled}
    assert sorted(labeled + unlabeled) == sorted(ENTRIES)
    assert draw_labeled_split(list(reversed(ENTRIES)), 2, seed=0) == (labeled, unlabeled)
    draws = {tuple(draw_labeled_split(ENTRIES, 2, seed=s)[0]) for s in range(10)}
    assert len(draws) > 1  # the seed matters


def test_draw_all_clips_of_smallest_class_and_errors():
    labeled, unlabeled = draw_labeled_split(ENTRIES, 3, seed=1)
    assert class_counts(unlabeled) == {1: 1, 2: 2, 3: 3}
    with pytest.raises(ValueError, match=r'classes \{0: 3\}.*fewer'):
        draw_labeled_split(ENTRIES, 4, seed=0)
    with pytest.raises(ValueError, match='duplicate path'):
        draw_labeled_split(ENTRIES + ENTRIES[:1], 1, seed=0)
    with pytest.raises(ValueError, match='shots'):
        draw_labeled_split(ENTRIES, 0, seed=0)


def test_write_read_roundtrip_and_checksum(tmp_path):
    sha = write_list(ENTRIES, tmp_path / 'sub' / 'l.txt')
    assert sha == hashlib.sha256((tmp_path / 'sub' / 'l.txt').read_bytes()).hexdigest() == list_checksum(ENTRIES)
    assert read_list(tmp_path / 'sub' / 'l.txt', num_classes=4) == ENTRIES
    with pytest.raises(ValueError, match='whitespace'):
        write_list([VideoEntry('a b.mp4', 0)], tmp_path / 'x.txt')


@pytest.mark.parametrize('text,match', [('a.mp4\n', r'l.txt:1: expected'), ('a.mp4 1\nb.mp4 x\n', r'l.txt:2: label'),
                                        ('a.mp4 -1\n', 'out of range'), ('a.mp4 7\n', r'out of range \[0, 4\)')])
def test_malformed_list_names_file_and_line(tmp_path, text, match):
    (tmp_path / 'l.txt').write_text(text)
    with pytest.raises(ValueError, match=match):
        read_list(tmp_path / 'l.txt', num_classes=4)


def test_missing_list_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='does not exist'):
        read_list(tmp_path / 'nope.txt')


def _write_crlf(path: Path, lines: list[str]) -> Path:
    path.write_bytes(''.join(f'{line}\r\n' for line in lines).encode())
    return path


def test_ucf_official_files_crlf_and_one_based(tmp_path):
    cls = _write_crlf(tmp_path / 'classInd.txt', ['1 ApplyEyeMakeup', '2 ApplyLipstick', '3 Archery'])
    train = _write_crlf(tmp_path / 'trainlist01.txt', ['ApplyLipstick/v_ApplyLipstick_g08_c01.avi 2',
                                                       'Archery/v_Archery_g08_c01.avi 3'])
    test = _write_crlf(tmp_path / 'testlist01.txt', ['ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi'])
    names = read_class_index(cls)
    assert names == ['ApplyEyeMakeup', 'ApplyLipstick', 'Archery']
    assert read_ucf_split(train, names) == [VideoEntry('ApplyLipstick/v_ApplyLipstick_g08_c01.avi', 1),
                                            VideoEntry('Archery/v_Archery_g08_c01.avi', 2)]
    assert read_ucf_split(test, names) == [VideoEntry('ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi', 0)]


@pytest.mark.parametrize('line,match', [('Archery/v_Archery_g08_c01.avi 2', "class 'ApplyLipstick' but the folder"),
                                        ('Archery/v_Archery_g08_c01.avi 4', '1-based index in 1..3'),
                                        ('Bowling/v_Bowling_g08_c01.avi 1', 'not in classInd'),
                                        ('v_Archery_g08_c01.avi', 'expected')])
def test_ucf_malformed_lines(tmp_path, line, match):
    names = ['ApplyEyeMakeup', 'ApplyLipstick', 'Archery']
    path = _write_crlf(tmp_path / 'trainlist01.txt', ['Archery/v_Archery_g09_c01.avi 3', line])
    with pytest.raises(ValueError, match=f'trainlist01.txt:2: .*{match}'):
        read_ucf_split(path, names)


def test_ucf_class_index_out_of_sequence(tmp_path):
    with pytest.raises(ValueError, match='classInd.txt:2: index 3 out of sequence'):
        read_class_index(_write_crlf(tmp_path / 'classInd.txt', ['1 A', '3 B']))


def test_svformer_absolute_paths(tmp_path):
    path = tmp_path / 'train.csv'
    path.write_text('/mnt/blob/datasets/data/ucf101/videos/Archery/v_Archery_g18_c07.avi 2\n'
                    '/mnt/blob/datasets/data/ucf101/videos/ApplyLipstick/v_ApplyLipstick_g21_c04.avi 1\n')
    assert read_svformer_list(path)[0].path.startswith('/mnt/blob')
    assert read_svformer_list(path, keep_components=2) == [
        VideoEntry('Archery/v_Archery_g18_c07.avi', 2), VideoEntry('ApplyLipstick/v_ApplyLipstick_g21_c04.avi', 1)]
    with pytest.raises(ValueError, match='fewer than 12 components'):
        read_svformer_list(path, keep_components=12)


def test_make_split_cli(tmp_path):
    write_list(ENTRIES, tmp_path / 'train.txt')
    cmd = [sys.executable, str(ROOT / 'tools/data/make_split.py'), 'draw', str(tmp_path / 'train.txt'),
           '--shots', '1', '3', '--seed', '5', '--out-dir', str(tmp_path / 'out')]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    labeled = read_list(tmp_path / 'out' / 'train_labeled_3shot.txt')
    assert labeled == draw_labeled_split(ENTRIES, 3, seed=5)[0]
    sha = hashlib.sha256((tmp_path / 'out' / 'train_labeled_3shot.txt').read_bytes()).hexdigest()
    assert f'sha256={sha}' in res.stdout
    res = subprocess.run(cmd[:-4] + ['9', '--out-dir', str(tmp_path / 'o2')], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and 'fewer' in res.stderr
    # existing splits stay as they are unless --overwrite
    (tmp_path / 'out' / 'train_unlabeled_1shot.txt').write_text('edited by hand\n')
    res = subprocess.run(cmd[:-3] + ['6'] + cmd[-2:], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and 'already exist' in res.stderr and '--overwrite' in res.stderr
    assert str(tmp_path / 'out' / 'train_unlabeled_1shot.txt') in res.stderr and 'wrote' not in res.stdout
    assert (tmp_path / 'out' / 'train_unlabeled_1shot.txt').read_text() == 'edited by hand\n'
    assert read_list(tmp_path / 'out' / 'train_labeled_3shot.txt') == labeled
    res = subprocess.run(cmd + ['--overwrite'], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert read_list(tmp_path / 'out' / 'train_unlabeled_1shot.txt') == draw_labeled_split(ENTRIES, 1, seed=5)[1]
