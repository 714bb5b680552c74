"""tools/data/synthetic/generate.py's command line: shot counts that do not fit the set get a usable fix."""
import pytest


@pytest.mark.parametrize('args, hint', [
    (['--train-per-class', '4'], '--shots 1 5 needs every shot count in 1..--train-per-class (4): pass --shots 1'),
    (['--train-per-class', '3', '--shots', '1', '2', '4'], 'pass --shots 1 2'),
    (['--train-per-class', '3', '--shots', '0'], 'pass shot counts from 1 to 3'),
])
def test_shots_beyond_the_training_clips_name_the_fix(tmp_path, run_tool, args, hint) -> None:
    res = run_tool('synthetic/generate.py', tmp_path / 'set', *args)
    assert res.returncode == 2 and hint in res.stderr
    assert not (tmp_path / 'set').exists()  # refused before anything is written


def test_progress_on_stderr_and_a_corrupted_clip_is_named(tmp_path, run_tool) -> None:
    tiny = ['--num-shapes', '2', '--num-timbres', '1', '--train-per-class', '2', '--val-per-class', '1',
            '--test-per-class', '0', '--size', '32', '32', '--duration', '1', '--shots', '1']
    root = tmp_path / 'set'
    res = run_tool('synthetic/generate.py', root, *tiny)
    assert res.returncode == 0, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith('writing clips:')]
    assert lines[-1] == 'writing clips: 6/6' and len(lines) == 6  # not a terminal: one line per 10 % step
    clip = root / 'videos/train/circle_low_tone/circle_low_tone_train_0001.mp4'
    clip.write_bytes(clip.read_bytes()[:-10])  # truncated
    res = run_tool('synthetic/generate.py', root, *tiny)
    assert res.returncode == 2
    assert f'{clip} differs from the manifest (corrupted or edited)' in res.stderr and '--overwrite' in res.stderr
