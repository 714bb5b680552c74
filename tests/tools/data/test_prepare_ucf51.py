"""Tests of tools/data/ucf51/prepare_ucf51.py on a tiny UCF-101-like tree."""
from mmavssl.datasets.splits import VideoEntry, read_list

from .conftest import load_tool, make_video

UCF51 = load_tool('ucf51/prepare_ucf51.py')


def _annotations(root, names):
    """Write CRLF classInd/trainlist01/testlist01 for the given class names (UCF-101 order)."""
    ann = root / 'annotations'
    ann.mkdir(parents=True)
    crlf = lambda lines: ''.join(f'{x}\r\n' for x in lines).encode()  # noqa: E731
    (ann / 'classInd.txt').write_bytes(crlf(f'{i} {n}' for i, n in enumerate(names, 1)))
    return ann, crlf


def test_ucf51_lists_labels_and_drops(tmp_path, run_tool):
    names = [f'Unused{i}' for i in range(101)]
    for name, idx in UCF51.UCF51_CLASSES:
        names[idx - 1] = name
    ann, crlf = _annotations(tmp_path, names)
    train = ['ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1', 'Drumming/v_Drumming_g08_c01.avi 27',
             'HandstandPushups/v_HandStandPushups_g14_c01.avi 37', 'WritingOnBoard/v_WritingOnBoard_g08_c01.avi 100',
             'PlayingCello/v_PlayingCello_g19_c06.avi 59']
    names[26] = 'Drumming'
    (ann / 'classInd.txt').write_bytes(crlf(f'{i} {n}' for i, n in enumerate(names, 1)))
    (ann / 'trainlist01.txt').write_bytes(crlf(train))
    (ann / 'testlist01.txt').write_bytes(crlf(['BasketballDunk/v_BasketballDunk_g01_c01.avi']))
    videos = tmp_path / 'videos'
    for line in train[:2] + ['BasketballDunk/v_BasketballDunk_g01_c01.avi']:
        make_video(videos / line.split()[0])
    make_video(videos / 'HandstandPushups/v_HandStandPushups_g14_c01.avi', audio=False)
    # PlayingCello's file is missing on disk.
    res = run_tool('ucf51/prepare_ucf51.py', '--annotations', ann, '--videos', videos, '--out-dir', tmp_path / 'out')
    assert res.returncode == 0, res.stderr
    out = tmp_path / 'out'
    assert read_list(out / 'ucf51_train_split_1_videos.txt') == [
        VideoEntry('ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi', 0)]
    assert read_list(out / 'ucf51_test_split_1_videos.txt') == [
        VideoEntry('BasketballDunk/v_BasketballDunk_g01_c01.avi', 6)]
    classes = (out / 'classes.txt').read_text().split()
    assert len(classes) == 51 and classes[25] == 'HandstandPushups' and classes[50] == 'WritingOnBoard'
    dropped = (out / 'dropped_ucf51_train_split_1_videos.txt').read_text()
    assert 'v_HandStandPushups_g14_c01.avi\tno audio stream' in dropped
    assert 'v_PlayingCello_g19_c06.avi\tmissing' in dropped and 'v_WritingOnBoard_g08_c01.avi\tmissing' in dropped
    assert 'Drumming' not in dropped  # not a UCF-51 class: excluded, not dropped
    assert '1 of 4 videos kept, 3 dropped' in res.stdout


def test_rejects_wrong_class_index_and_bad_lines(tmp_path, run_tool):
    ann, crlf = _annotations(tmp_path, ['ApplyEyeMakeup', 'Archery', 'ApplyLipstick'])
    res = run_tool('ucf51/prepare_ucf51.py', '--annotations', ann, '--videos', tmp_path, '--out-dir', tmp_path / 'o')
    assert res.returncode == 2 and "classInd.txt: expected class 'ApplyLipstick' at index 2" in res.stderr
    names = [f'Unused{i}' for i in range(101)]
    for name, idx in UCF51.UCF51_CLASSES:
        names[idx - 1] = name
    (ann / 'classInd.txt').write_bytes(crlf(f'{i} {n}' for i, n in enumerate(names, 1)))
    (ann / 'trainlist01.txt').write_bytes(crlf(['Archery/v_Archery_g08_c01.avi 1']))
    res = run_tool('ucf51/prepare_ucf51.py', '--annotations', ann, '--videos', tmp_path, '--out-dir', tmp_path / 'o')
    assert res.returncode == 2 and 'trainlist01.txt:1' in res.stderr and 'folder is' in res.stderr
    assert not (tmp_path / 'o').exists()
