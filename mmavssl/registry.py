"""Registries of mmavssl.

Every registry is a child of mmaction2's registry of the same kind, which is itself a child of mmengine's.
With ``default_scope='mmavssl'`` an unscoped name is looked up here first, then in mmaction2 (transforms such
as ``DecordInit``, metrics such as ``AccMetric``), then in mmengine (hooks, loops, optimizers). ``locations``
import the defining subpackage on first lookup, so configs need no ``custom_imports`` for mmavssl itself.

mmengine's ``Registry.get`` imports only the ``locations`` of the registry it is called on, not those of its
parents, so a plain child registry would not find ``DecordInit`` or ``AccMetric`` unless some other code had
already imported ``mmaction.datasets`` or ``mmaction.evaluation``. :class:`FallThroughRegistry` imports the
parent's locations when a name is missing here, which keeps ``import mmavssl`` light (``mmaction.models`` is
imported only when a model name actually falls through).

Registries without members of their own (OPTIMIZERS, PARAM_SCHEDULERS, ...) are kept on purpose: under
``default_scope='mmavssl'`` mmengine's Runner builds every kind through the scope's child registry, and a missing
child makes it warn and skip mmaction2's. Kinds that nothing here builds (runner constructors, task utils,
inferencers) have no child until mmavssl has members for them.

Falling through to mmaction2's MODELS registry imports ``mmaction.models``; :mod:`mmavssl.utils.compat`
makes that import work with the PyPI wheel of mmaction2 1.2.0 (see its docstring).
"""
from mmaction import registry as mmaction_registry
from typing import Optional, Type

from mmengine.registry import Registry

from mmavssl.utils.compat import patch_mmaction_drn, silence_mmcv_lite_warning

patch_mmaction_drn()
silence_mmcv_lite_warning()


class FallThroughRegistry(Registry):
    """A registry that imports its parent's ``locations`` before falling through to the parent."""

    def get(self, key: str) -> Optional[Type]:
        """Look ``key`` up here, then in the parent chain (importing the parents' modules on demand).

        Args:
            key: Registered name, optionally with a scope prefix such as ``'mmaction.SampleFrames'``.

        Returns:
            The registered object, or None when no registry in the chain knows the name.
        """
        self.import_from_location()
        scope, real_key = self.split_scope_key(key)
        if scope is None and real_key not in self._module_dict:
            parent = self.parent
            while parent is not None and real_key not in parent._module_dict:
                parent.import_from_location()
                parent = parent.parent
        return super().get(key)


def _child(name: str, parent: Registry, *locations: str) -> Registry:
    """Create a registry whose scope is ``mmavssl`` with ``parent`` as fallback.

    Args:
        name: Registry name, e.g. ``'model'``.
        parent: mmaction2's registry of the same kind.
        *locations: Modules imported on first lookup so that their classes register.

    Returns:
        The new registry.
    """
    return FallThroughRegistry(name, parent=parent, scope='mmavssl', locations=list(locations))


RUNNERS = _child('runner', mmaction_registry.RUNNERS, 'mmavssl.engine')
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
VISUALIZERS = _child('visualizer', mmaction_registry.VISUALIZERS, 'mmavssl.visualization')
VISBACKENDS = _child('vis_backend', mmaction_registry.VISBACKENDS, 'mmavssl.utils')
LOG_PROCESSORS = _child('log_processor', mmaction_registry.LOG_PROCESSORS, 'mmavssl.engine')
FUNCTIONS = _child('function', mmaction_registry.FUNCTION, 'mmavssl.models', 'mmavssl.datasets')
