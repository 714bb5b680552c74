"""tools/analysis/benchmark_dataloader.py: the compared pipelines come from the config and mmaction2, the
per-transform timer counts nested transforms once, and a run prints every pipeline (no timing assertions)."""
from pathlib import Path

import pytest
from mmcv.transforms import BaseTransform
from mmengine.config import Config

from toolbox_testing import load_script

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def bench():
    return load_script('tools/analysis/benchmark_dataloader.py')


def test_pipelines_follow_the_config(bench) -> None:
    cfg = Config.fromfile(str(ROOT / 'configs/ucf51_asl_1shot.py'))
    lists = bench.pipelines(cfg)
    assert [t['type'] for t in lists['decode']] == ['mmaction.DecordInit', 'mmaction.SampleFrames',
                                                   'mmaction.DecordDecode']
    assert lists['decode'][1]['clip_len'] == 8 and lists['decode'][1]['frame_interval'] == 8
    assert lists['mmaction2'][-1]['type'] == 'mmaction.PackActionInputs'
    assert lists['supervised'] == list(cfg.train_pipeline)
    branch = next(t for t in lists['semi'] if t['type'] == 'MultiBranchAV')
    assert 'unsup_strong' in branch and not branch.get('decode_per_branch', False)
    assert next(t for t in lists['semi_per_branch'] if t['type'] == 'MultiBranchAV')['decode_per_branch']


class _Sleepy(BaseTransform):
    def __init__(self, inner=None) -> None:
        self.inner = inner

    def transform(self, results: dict) -> dict:
        return self.inner(results) if self.inner is not None else results


def test_transform_times_are_exclusive(bench) -> None:
    outer = _Sleepy(_Sleepy())
    with bench.transform_times() as totals:
        outer({})
    assert set(totals) == {'_Sleepy'} and totals['_Sleepy'] >= 0
    assert BaseTransform.__call__.__name__ == '__call__'  # restored


@pytest.mark.slow
def test_runs_every_pipeline(bench, tiny_test_clip: Path, capsys) -> None:
    bench.main(['--video', str(tiny_test_clip), '--samples', '1', '--breakdown'])
    out = capsys.readouterr().out
    for name in bench.PIPELINES:
        assert f'\n{name} ' in out and f'\n{name}: ' in out
