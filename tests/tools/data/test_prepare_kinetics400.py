"""Tests of tools/data/kinetics400/prepare_kinetics400.py on a tiny Kinetics-like tree."""
from mmavssl.datasets.splits import VideoEntry, read_list

from .conftest import make_video

HEADER = 'label,youtube_id,time_start,time_end,split,is_cc\n'


def _args(tmp_path):
    return ['--train-csv', tmp_path / 'train.csv', '--train-videos', tmp_path / 'vt', '--val-csv',
            tmp_path / 'val.csv', '--val-videos', tmp_path / 'vv', '--out-dir', tmp_path / 'out']


def test_lists_sorted_labels_and_drops(tmp_path, run_tool):
    (tmp_path / 'train.csv').write_text(HEADER + 'zumba,z1,0,10,train,0\n"air drumming",-a1,59,69,train,0\n'
                                        'abseiling,b2,3,13,train,0\nabseiling,b3,4,14,train,0\n')
    (tmp_path / 'val.csv').write_text(HEADER + 'air drumming,v1,10,20,val,0\nzumba,v2,1,11,val,1\n')
    make_video(tmp_path / 'vt/zumba/z1_000000_000010.mp4')
    make_video(tmp_path / 'vt/air_drumming/-a1_000059_000069.mp4')
    make_video(tmp_path / 'vt/abseiling/b2_000003_000013.mp4', audio=False)
    make_video(tmp_path / 'vv/air_drumming/v1_000010_000020.mp4')
    res = run_tool('kinetics400/prepare_kinetics400.py', *_args(tmp_path))
    assert res.returncode == 0, res.stderr
    out = tmp_path / 'out'
    assert (out / 'classes.txt').read_text().split() == ['abseiling', 'air_drumming', 'zumba']
    assert read_list(out / 'kinetics400_train_list_videos.txt') == [
        VideoEntry('zumba/z1_000000_000010.mp4', 2), VideoEntry('air_drumming/-a1_000059_000069.mp4', 1)]
    assert read_list(out / 'kinetics400_val_list_videos.txt') == [VideoEntry('air_drumming/v1_000010_000020.mp4', 1)]
    dropped = (out / 'dropped_kinetics400_train_list_videos.txt').read_text().splitlines()
    assert dropped == ['abseiling/b2_000003_000013.mp4\tno audio stream', 'abseiling/b3_000004_000014.mp4\tmissing']
    assert '2 of 4 videos kept, 2 dropped' in res.stdout


def test_invalid_csv(tmp_path, run_tool):
    (tmp_path / 'val.csv').write_text(HEADER)
    (tmp_path / 'train.csv').write_text('youtube_id,label\n')
    res = run_tool('kinetics400/prepare_kinetics400.py', *_args(tmp_path))
    assert res.returncode == 2 and 'train.csv:1: expected header' in res.stderr
    (tmp_path / 'train.csv').write_text(HEADER + 'zumba,z1,0,10,train,0\nzumba,z2,abc,10,train,0\n')
    res = run_tool('kinetics400/prepare_kinetics400.py', *_args(tmp_path))
    assert res.returncode == 2 and "train.csv:3: time_start 'abc' is not a number" in res.stderr
    (tmp_path / 'train.csv').write_text(HEADER + 'zumba,z1,0,10,train\n')
    res = run_tool('kinetics400/prepare_kinetics400.py', *_args(tmp_path))
    assert res.returncode == 2 and 'train.csv:2: expected 6 fields' in res.stderr
    (tmp_path / 'train.csv').write_text(HEADER + 'zumba,z1,0,10,train,0\n')
    (tmp_path / 'val.csv').write_text(HEADER + 'yoga,y1,0,10,val,0\n')
    res = run_tool('kinetics400/prepare_kinetics400.py', *_args(tmp_path))
    assert res.returncode == 2 and "['yoga'] do not occur" in res.stderr
