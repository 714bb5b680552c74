"""Tests of tools/data/vggsound/prepare_vggsound.py on a tiny VGGSound-like tree."""
from mmavssl.datasets.splits import VideoEntry, read_list

from .conftest import make_video


def test_lists_labels_and_drops(tmp_path, run_tool):
    (tmp_path / 'vggsound.csv').write_text('---g-f_I2yQ,1,people marching,test\nabc,30,"race car, auto racing",train\n'
                                           'def,0,dog barking,train\nghi,12,dog barking,train\n')
    make_video(tmp_path / 'v/---g-f_I2yQ_000001.mp4')
    make_video(tmp_path / 'v/abc_000030.mp4')
    (tmp_path / 'v/ghi_000012.mp4').write_bytes(b'\x00' * 64)
    res = run_tool('vggsound/prepare_vggsound.py', '--csv', tmp_path / 'vggsound.csv', '--videos', tmp_path / 'v',
                   '--out-dir', tmp_path / 'out')
    assert res.returncode == 0, res.stderr
    out = tmp_path / 'out'
    assert (out / 'classes.txt').read_text().splitlines() == ['dog barking', 'people marching', 'race car, auto racing']
    assert read_list(out / 'vggsound_train_list_videos.txt') == [VideoEntry('abc_000030.mp4', 2)]
    assert read_list(out / 'vggsound_test_list_videos.txt') == [VideoEntry('---g-f_I2yQ_000001.mp4', 1)]
    dropped = dict(line.split('\t') for line in (out / 'dropped_vggsound_train_list_videos.txt').read_text().splitlines())
    assert dropped['def_000000.mp4'] == 'missing' and dropped['ghi_000012.mp4'].startswith('unreadable')
    assert '1 of 3 videos kept, 2 dropped' in res.stdout


def test_invalid_csv(tmp_path, run_tool):
    args = ['--csv', tmp_path / 'vggsound.csv', '--videos', tmp_path, '--out-dir', tmp_path / 'out']
    for text, msg in [('abc,30,dog barking\n', 'vggsound.csv:1: expected 4 fields'),
                      ('ytid,start,label,split\n', "vggsound.csv:1: split 'split' is not one of"),
                      ('abc,3.5,dog,train\n', "vggsound.csv:1: start '3.5' is not a non-negative whole"),
                      ('abc,1,dog,train\n,2,dog,test\n', 'vggsound.csv:2: empty YouTube ID')]:
        (tmp_path / 'vggsound.csv').write_text(text)
        res = run_tool('vggsound/prepare_vggsound.py', *args)
        assert res.returncode == 2 and msg in res.stderr, res.stderr
    res = run_tool('vggsound/prepare_vggsound.py', '--csv', tmp_path / 'nope.csv', '--videos', tmp_path,
                   '--out-dir', tmp_path / 'out')
    assert res.returncode == 2 and 'nope.csv does not exist' in res.stderr
