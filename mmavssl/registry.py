"""Registries of mmavssl.

Every registry is a child of mmaction2's registry of the same kind, which is itself a child of mmengine's.
With ``default_scope='mmavssl'`` an unscoped name is looked up here first, then in mmaction2 (transforms such
as ``DecordInit``, metrics such as ``AccMetric``), then in mmengine (hooks, loops, optimizers). ``locations``
import the defining subpackage on first lookup, so configs need no ``custom_imports`` for mmavssl itself.

Falling through to mmaction2's MODELS registry imports ``mmaction.models``; :mod:`mmavssl.utils.compat`
makes that import work with the PyPI wheel of mmaction2 1.2.0 (see its docstring).
"""
from mmaction import registry as mmaction_registry
from mmengine.registry import Registry

from mmavssl.utils.compat import patch_mmaction_drn

patch_mmaction_drn()


def _child(name: str, parent: Registry, *locations: str) -> Registry:
    """Create a registry whose scope is ``mmavssl`` with ``parent`` as fallback.

    Args:
        name: Registry name, e.g. ``'model'``.
        parent: mmaction2's registry of the same kind.
        *locations: Modules imported on first lookup so that their classes register.

    Returns:
        The new registry.
    """
    return Registry(name, parent=parent, scope='mmavssl', locations=list(locations))


RUNNERS = _child('runner', mmaction_registry.RUNNERS, 'mmavssl.engine')
RUNNER_CONSTRUCTORS = _child('runner constructor', mmaction_registry.RUNNER_CONSTRUCTORS, 'mmavssl.engine')
LOOPS = _child('loop', mmaction_registry.LOOPS, 'mmavssl.engine')
HOOKS = _child('hook', mmaction_registry.HOOKS, 'mmavssl.engine.hooks')
DATASETS = _child('dataset', mmaction_registry.DATASETS, 'mmavssl.datasets')
DATA_SAMPLERS = _child('data sampler', mmaction_registry.DATA_SAMPLERS, 'mmavssl.datasets')
TRANSFORMS = _child('transform', mmaction_registry.TRANSFORMS, 'mmavssl.datasets.transforms')
MODELS = _child('model', mmaction_registry.MODELS, 'mmavssl.models')
MODEL_WRAPPERS = _child('model_wrapper', mmaction_registry.MODEL_WRAPPERS, 'mmavssl.models')
WEIGHT_INITIALIZERS = _child('weight initializer', mmaction_registry.WEIGHT_INITIALIZERS, 'mmavssl.models')
OPTIMIZERS = _child('optimizer', mmaction_registry.OPTIMIZERS, 'mmavssl.engine')
OPTIM_WRAPPERS = _child('optim_wrapper', mmaction_registry.OPTIM_WRAPPERS, 'mmavssl.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    mmaction_registry.OPTIM_WRAPPER_CONSTRUCTORS, 'mmavssl.engine')
PARAM_SCHEDULERS = _child('parameter scheduler', mmaction_registry.PARAM_SCHEDULERS, 'mmavssl.engine')
METRICS = _child('metric', mmaction_registry.METRICS, 'mmavssl.evaluation')
EVALUATOR = _child('evaluator', mmaction_registry.EVALUATOR, 'mmavssl.evaluation')
TASK_UTILS = _child('task util', mmaction_registry.TASK_UTILS, 'mmavssl.models')
VISUALIZERS = _child('visualizer', mmaction_registry.VISUALIZERS, 'mmavssl.utils')
VISBACKENDS = _child('vis_backend', mmaction_registry.VISBACKENDS, 'mmavssl.utils')
LOG_PROCESSORS = _child('log_processor', mmaction_registry.LOG_PROCESSORS, 'mmavssl.engine')
INFERENCERS = _child('inferencer', mmaction_registry.INFERENCERS, 'mmavssl.apis')
FUNCTIONS = _child('function', mmaction_registry.FUNCTION, 'mmavssl.models')
