"""Safe checkpoint loading for mmengine 0.10.7 under torch >= 2.6.

torch >= 2.6 unpickles with ``weights_only=True`` by default; mmengine 0.10.7 checkpoints hold message-hub
``HistoryBuffer`` objects (numpy arrays inside), so ``Runner.resume`` and ``load_from`` fail. Turning pickle
loading back on for every file would let a crafted checkpoint run code, so mmavssl instead:

1. keeps ``weights_only=True`` and allow-lists exactly the globals an mmengine checkpoint needs
   (:data:`SAFE_GLOBALS`: ``HistoryBuffer`` plus numpy's array reconstruction);
2. makes the checkpoints it writes free of ``builtins.getattr``: mmengine pickles each buffer's statistics
   methods as ``getattr(HistoryBuffer, 'min')``, and allowing ``getattr`` would let a file reach any attribute
   of any allowed object. :func:`install_checkpoint_support` drops that entry when pickling (the methods are
   registered on the class at import time, so nothing is lost);
3. loads a file that still needs other globals (for example one written by plain mmengine) only when the
   user has named it trusted with :func:`trust_checkpoint` (``--trust-checkpoint`` in ``tools/``).
"""
import os
import pickle
from typing import Any, Callable, List, Optional, Set, Union

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

_TRUSTED: Set[str] = set()


def _numpy_globals() -> List[Any]:
    """Return numpy's pickle reconstruction globals for the installed numpy (1.x or 2.x module paths)."""
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy 1.x
        from numpy.core import multiarray
    dtype_classes = [type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDGUS']
    return [multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype, *dtype_classes]


SAFE_GLOBALS: List[Any] = [HistoryBuffer, *_numpy_globals()]


def _history_buffer_getstate(self: HistoryBuffer) -> dict:
    """Pickle a HistoryBuffer as plain data, without its (class-level) statistics methods."""
    return {k: v for k, v in self.__dict__.items() if k != 'statistics_methods'}


def trust_checkpoint(path: Union[str, os.PathLike]) -> None:
    """Allow full unpickling of one checkpoint file the user vouches for.

    Only use this for files from a source you trust: unpickling can run arbitrary code.

    Args:
        path: Path of the checkpoint file; matched after resolving symlinks.
    """
    _TRUSTED.add(os.path.realpath(path))


def _disallowed_globals(filename: str) -> Optional[List[str]]:
    """Return the globals a checkpoint needs beyond :data:`SAFE_GLOBALS`, or None if it cannot be scanned."""
    try:
        needed = torch.serialization.get_unsafe_globals_in_checkpoint(filename)
    except Exception:  # not a zip-format torch file, or a corrupt one; the caller reports the load error
        return None
    allowed = {f'{g.__module__}.{g.__qualname__}' for g in SAFE_GLOBALS}
    return [g for g in needed if g not in allowed]


def safe_torch_load(filename: Union[str, os.PathLike], map_location: Optional[Any] = None) -> Any:
    """``torch.load`` with ``weights_only=True`` and mmavssl's allow-list (see module docstring).

    Args:
        filename: Local checkpoint path.
        map_location: Passed to ``torch.load``.

    Returns:
        The unpickled checkpoint.

    Raises:
        FileNotFoundError: If the file does not exist.
        RuntimeError: If the file needs globals outside the allow-list and was not trusted, or if it cannot be
            read at all (truncated, corrupt or not a torch checkpoint); the message names the file.
    """
    filename = os.fspath(filename)
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'Checkpoint {filename} can not be found.')
    if os.path.realpath(filename) in _TRUSTED:
        return torch.load(filename, map_location=map_location, weights_only=False)
    try:
        with torch.serialization.safe_globals(SAFE_GLOBALS):
            return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        unsafe = _disallowed_globals(filename)
        if not unsafe:
            raise RuntimeError(f'Could not read checkpoint {filename!r}: it is corrupt, truncated or not a torch '
                               f'checkpoint ({err}). Re-download or re-save it.') from err
        raise RuntimeError(
            f'Refused to load checkpoint {filename!r}: unpickling it would need globals that mmavssl does '
            f'not allow-list ({", ".join(unsafe)}), which could run arbitrary code. '
            'If you trust this file (e.g. it was written by plain mmengine), load it with '
            f'`--trust-checkpoint {filename}` in tools/train.py or tools/test.py, or call '
            f'mmavssl.utils.trust_checkpoint({filename!r}) first. Original error: {err}') from err
    except (OSError, EOFError, RuntimeError) as err:
        raise RuntimeError(f'Could not read checkpoint {filename!r}: it is corrupt, truncated or not a torch '
                           f'checkpoint ({type(err).__name__}: {err}). Re-download or re-save it.') from err


def _load_from_local(filename: str, map_location: Optional[Any] = None) -> Any:
    """mmengine's local-path checkpoint loader, replaced by :func:`safe_torch_load`."""
    return safe_torch_load(os.path.expanduser(filename), map_location=map_location)


def install_checkpoint_support() -> None:
    """Route mmengine's local checkpoint loading through :func:`safe_torch_load` and make saved
    message-hub buffers getattr-free. Idempotent; called on ``import mmavssl``."""
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    loader: Callable = _load_from_local
    CheckpointLoader.register_scheme(prefixes='', loader=loader, force=True)
