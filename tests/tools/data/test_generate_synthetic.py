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
