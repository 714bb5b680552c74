"""tools/data/synthetic/generate.py's command line: shot counts that do not fit the set get a usable fix, and typed
options win over a preset."""
import importlib.util

import pytest

from mmavssl.synthetic import BENCHMARK_PRESET
from toolbox_testing import REPO_ROOT


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


def _generate_module():
    spec = importlib.util.spec_from_file_location('generate', REPO_ROOT / 'tools/data/synthetic/generate.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_options_typed_on_the_command_line_win_over_the_preset() -> None:
    gen = _generate_module()
    cfg = gen.config_from_args(gen.parse_args(['set', '--preset', 'benchmark', '--train-per-class', '75',
                                               '--size', '64', '48', '--seed', '7']))
    assert (cfg.train_per_class, cfg.width, cfg.height, cfg.seed) == (75, 64, 48, 7)
    # the rest is the preset's, also where the typed value equals a default
    assert cfg.val_per_class == BENCHMARK_PRESET['val_per_class'] and cfg.shapes == BENCHMARK_PRESET['shapes']
    plain = gen.config_from_args(gen.parse_args(['set', '--preset', 'benchmark']))
    assert plain.train_per_class == BENCHMARK_PRESET['train_per_class']
    default = gen.config_from_args(gen.parse_args(['set', '--preset', 'benchmark', '--train-per-class', '40']))
    assert default.train_per_class == 40  # typed, though it is the option's default
