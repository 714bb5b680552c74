"""tools/analysis/benchmark_step.py: batch shapes read from the configs, one interleaved timing run (no timing
assertions), the sweep's config overrides."""
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from toolbox_testing import load_script

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def bench():
    module = load_script('tools/analysis/benchmark_step.py')
    init_default_scope('mmavssl')
    return module


def test_shapes_of_the_synthetic_and_paper_configs(bench) -> None:
    synthetic = bench.step_shapes(Config.fromfile(str(ROOT / 'configs/synthetic/asl_1shot.py')))
    assert (synthetic.frames, synthetic.size, synthetic.fbank, synthetic.loc) == (8, 64, (192, 128), (65, 37))
    assert (synthetic.labeled, synthetic.unlabeled, synthetic.num_classes) == (1, 5, 4)
    paper = bench.step_shapes(Config.fromfile(str(ROOT / 'configs/ucf51_asl_1shot.py')), labeled=1, unlabeled=2)
    # FNAC's 3 s window at 16 kHz, nperseg 512, noverlap 274: 257 bins x 200 frames
    assert (paper.frames, paper.size, paper.fbank, paper.loc) == (8, 224, (256, 128), (257, 200))
    assert (paper.labeled, paper.unlabeled, paper.num_classes) == (1, 2, 51)
    # FlexMatch's state is sized from the unlabeled list in training (num_unlabeled=None); here from the batch
    assert (synthetic.num_unlabeled, paper.num_unlabeled) == (5, 2)


def test_map_pass_names(bench) -> None:
    config = bench.map_pass_settings({})
    assert bench.map_pass_variant('config', config) == config
    reference = bench.map_pass_variant('reference+fold_bn', config)
    assert reference['fold_bn'] and not reference['channels_last'] and not reference['projected_cosine']
    with pytest.raises(ValueError, match='must start with'):
        bench.map_pass_variant('fold_bn', config)


def test_interleaved_run_reports_every_arm(bench) -> None:
    cfg = Config.fromfile(str(ROOT / 'configs/synthetic/asl_1shot.py'))
    # as the paper-size configs: the FlexMatch state is left to the unlabeled list, which a benchmark step lacks
    cfg.merge_from_dict({'model.threshold.num_unlabeled': None})
    shapes = bench.step_shapes(cfg, labeled=1, unlabeled=2)
    result = bench.run(cfg, shapes, ['TubeTokenMixup', 'ASLGuidedMixup'], ['config'], ['reference', 'config'],
                       iters=1, warmup=0, device=bench.torch.device('cpu'))
    assert list(result['steps']) == ['TubeTokenMixup', 'ASLGuidedMixup[config]']
    assert all(len(times) == 1 and times[0] > 0 for times in result['steps'].values())
    assert list(result['localizer']) == ['reference', 'config']
    assert result['agreement']['config']['mask_equal'] == 1.0
    assert result['agreement']['config']['max_abs_diff'] < 1e-4
    # the ASL step runs the map pass on top of the TubeToken step's work
    flops, loc_flops = result['gflops'], result['localizer_gflops']
    assert flops['ASLGuidedMixup[config]'] > flops['TubeTokenMixup'] > 0
    assert flops['ASLGuidedMixup[config]'] - flops['TubeTokenMixup'] == pytest.approx(loc_flops['config'], rel=0.05)
    text = bench.summarise(result)
    assert 'ASLGuidedMixup[config]' in text and 'localizer pass alone' in text and 'GFLOP/s' in text


def test_sweep_points_override_the_config(bench) -> None:
    point = dict(frames=16, size=112, labeled=2, unlabeled=10)
    args = bench.parse_args(['configs/synthetic/asl_1shot.py', *bench.sweep_options(point)])
    cfg = Config.fromfile(str(ROOT / args.config))
    cfg.merge_from_dict(args.cfg_options)
    shapes = bench.step_shapes(cfg, args.labeled, args.unlabeled)
    assert (shapes.frames, shapes.size, shapes.labeled, shapes.unlabeled) == (16, 112, 2, 10)
    assert tuple(cfg.model.localizer.input_size) == (112, 112)
