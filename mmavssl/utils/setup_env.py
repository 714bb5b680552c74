"""Registering all modules of mmavssl (for tests and scripts that build components without a Runner)."""
import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every mmavssl subpackage so that its components register, and set the default scope.

    Args:
        init_default_scope: Whether to make ``mmavssl`` the current default scope. If another scope is
            current, a new uniquely named ``mmavssl`` scope instance is created, as mmaction2 does.
    """
    import mmavssl.datasets  # noqa: F401
    import mmavssl.engine  # noqa: F401
    import mmavssl.evaluation  # noqa: F401
    import mmavssl.models  # noqa: F401

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None or not DefaultScope.check_instance_created('mmavssl'):
        DefaultScope.get_instance('mmavssl', scope_name='mmavssl')
    elif current.scope_name != 'mmavssl':
        warnings.warn(f'The current default scope "{current.scope_name}" is not "mmavssl"; '
                      'a new mmavssl scope instance is created for it.')
        stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S%f')
        DefaultScope.get_instance(f'mmavssl-{stamp}', scope_name='mmavssl')
