"""mmavssl's registries: own names, fall-through to mmaction2 and mmengine, quiet import."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mmaction import registry as mmaction_registry
from mmengine.registry import DefaultScope, Registry, init_default_scope

from mmavssl import registry


@pytest.fixture(autouse=True)
def mmavssl_scope() -> None:
    init_default_scope('mmavssl')


class _Probe:
    """Registered only for the test below."""

    def __init__(self, value: int = 0) -> None:
        self.value = value


def test_own_names_resolve_and_build() -> None:
    registry.MODELS.register_module(module=_Probe, force=True)
    probe = registry.MODELS.build(dict(type='_Probe', value=3))
    assert isinstance(probe, _Probe) and probe.value == 3
    assert DefaultScope.get_current_instance().scope_name == 'mmavssl'


@pytest.mark.parametrize('reg, name, module', [
    (registry.TRANSFORMS, 'DecordInit', 'mmaction.datasets.transforms.loading'),
    (registry.TRANSFORMS, 'SampleFrames', 'mmaction.datasets.transforms.loading'),
    (registry.METRICS, 'AccMetric', 'mmaction.evaluation.metrics.acc_metric'),
    (registry.MODELS, 'Recognizer3D', 'mmaction.models.recognizers.recognizer3d'),
    (registry.HOOKS, 'CheckpointHook', 'mmengine.hooks.checkpoint_hook'),
    (registry.LOOPS, 'IterBasedTrainLoop', 'mmengine.runner.loops'),
    (registry.OPTIMIZERS, 'SGD', 'torch.optim.sgd'),
    (registry.PARAM_SCHEDULERS, 'MultiStepLR', 'mmengine.optim.scheduler.lr_scheduler'),
])
def test_names_fall_through_to_mmaction_and_mmengine(reg, name: str, module: str) -> None:
    obj = reg.get(name)
    assert obj is not None and obj.__module__ == module and obj.__name__ == name


def test_unknown_name_is_not_found() -> None:
    with pytest.raises(KeyError, match='NoSuchTransform'):
        registry.TRANSFORMS.build(dict(type='NoSuchTransform'))


# Kinds of mmaction2 that neither mmavssl nor mmengine's Runner builds, so mmavssl has no (empty) child for them.
UNUSED_KINDS = {'TOKENIZER', 'RUNNER_CONSTRUCTORS', 'TASK_UTILS', 'INFERENCERS'}


def test_every_mmaction_registry_the_runner_builds_has_an_mmavssl_child() -> None:
    """Each kind the Runner builds under ``default_scope='mmavssl'`` can be extended through mmavssl."""
    kinds = {name: reg for name, reg in vars(mmaction_registry).items()
             if isinstance(reg, Registry) and not name.startswith('MMENGINE_') and name not in UNUSED_KINDS}
    assert not UNUSED_KINDS & set(vars(registry))
    for name, parent in kinds.items():
        child = parent._children.get('mmavssl')
        assert isinstance(child, registry.FallThroughRegistry), name
        assert vars(registry)[name if name != 'FUNCTION' else 'FUNCTIONS'] is child


def test_import_is_silent() -> None:
    """``import mmavssl`` and a lookup that imports mmaction2's models (and so mmcv-lite's transformer bricks)
    print nothing on stderr under the default warning filters (fresh interpreter)."""
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONWARNINGS'}
    env['PYTHONPATH'] = str(Path(__file__).resolve().parents[1])
    code = ('import mmavssl, mmavssl.registry; print(mmavssl.__file__); '
            "assert mmavssl.registry.MODELS.get('Recognizer3D') is not None")
    done = subprocess.run([sys.executable, '-c', code],
                          capture_output=True, text=True, timeout=120, env=env, cwd=env['PYTHONPATH'])
    assert done.stdout.strip() == str(Path(env['PYTHONPATH']) / 'mmavssl' / '__init__.py')
    assert done.returncode == 0 and done.stderr == ''
