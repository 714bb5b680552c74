"""Safe checkpoint loading for mmengine 0.10.7 under torch >= 2.6, for every path scheme.

torch >= 2.6 unpickles with ``weights_only=True`` by default; mmengine 0.10.7 checkpoints hold message-hub
``HistoryBuffer`` objects (numpy arrays inside), so ``Runner.resume`` and ``load_from`` fail. Turning pickle
loading back on for every file would let a crafted checkpoint run code, so mmavssl instead:

1. keeps ``weights_only=True`` and allow-lists exactly the globals an mmengine checkpoint needs
   (:data:`SAFE_GLOBALS`: ``HistoryBuffer`` plus numpy's array reconstruction);
2. makes the checkpoints it writes free of ``builtins.getattr``: mmengine pickles each buffer's statistics
   methods as ``getattr(HistoryBuffer, 'min')``, and allowing ``getattr`` would let a file reach any attribute
   of any allowed object. :func:`install_checkpoint_support` drops that entry when pickling (the methods are
   registered on the class at import time, so nothing is lost);
3. replaces the loader of every scheme mmengine's ``CheckpointLoader`` knows (local paths, ``http(s)://``,
   ``torchvision://``/``modelzoo://``, ``open-mmlab://``/``openmmlab://``, ``mmcls://``, ``s3://``/
   ``petrel://``, ``pavi://``): mmengine's own remote loaders unpickle with ``weights_only=False`` through
   ``torch.hub``, so a file already in ``$TORCH_HOME/hub/checkpoints`` would run code with no network at all.
   Any scheme registered later by another package is refused unless the path is trusted;
4. loads a file that still needs other globals (for example one written by plain mmengine) only when the
   user has named it trusted with :func:`trust_checkpoint` (``--trust-checkpoint`` in ``tools/``).
"""
import io
import os
import pickle
import sys
from tempfile import TemporaryDirectory
from typing import IO, Any, Callable, Dict, List, Optional, Set, Tuple, Union
from urllib.parse import urlparse

import numpy as np
import torch
from mmengine.dist import get_dist_info
from mmengine.fileio import get_file_backend
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

_TRUSTED: Set[str] = set()
PathLike = Union[str, os.PathLike]


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


def _is_remote(path: str) -> bool:
    """Whether ``path`` names a scheme (every non-local ``CheckpointLoader`` prefix contains ``://``)."""
    return '://' in path


def _trust_key(path: PathLike) -> str:
    """The form in which a path is remembered as trusted: URLs verbatim, local files resolved."""
    path = os.fspath(path)
    return path if _is_remote(path) else os.path.realpath(os.path.expanduser(path))


def trust_checkpoint(path: PathLike) -> None:
    """Allow full unpickling of one checkpoint the user vouches for.

    Only use this for files from a source you trust: unpickling can run arbitrary code.

    Args:
        path: Local checkpoint path (matched after resolving symlinks) or a URL / scheme path such as
            ``https://host/model.pth`` or ``openmmlab://name`` (matched verbatim).
    """
    _TRUSTED.add(_trust_key(path))


def is_trusted(path: PathLike) -> bool:
    """Whether :func:`trust_checkpoint` was called for ``path``.

    Args:
        path: Local path or URL, as given to :func:`trust_checkpoint`.

    Returns:
        True if the path (resolved, for local files) was trusted.
    """
    return _trust_key(path) in _TRUSTED


def _disallowed_globals(source: Union[str, IO[bytes]]) -> Optional[List[str]]:
    """Return the globals a checkpoint needs beyond :data:`SAFE_GLOBALS`, or None if it cannot be scanned."""
    if not isinstance(source, str):
        source.seek(0)
    try:
        needed = torch.serialization.get_unsafe_globals_in_checkpoint(source)
    except Exception:  # not a zip-format torch file, or a corrupt one; the caller reports the load error
        return None
    allowed = {f'{g.__module__}.{g.__qualname__}' for g in SAFE_GLOBALS}
    return [g for g in needed if g not in allowed]


def _load_checked(source: Union[str, IO[bytes]], name: str, map_location: Optional[Any],
                  trusted: bool) -> Any:
    """Unpickle ``source`` with ``weights_only=True`` and the allow-list unless it is trusted.

    Args:
        source: Local file path or an open binary buffer holding the checkpoint bytes.
        name: How the user named the checkpoint (a path or URL); used in messages and the trust hint.
        map_location: Passed to ``torch.load``.
        trusted: Whether the user vouched for this checkpoint.

    Returns:
        The unpickled checkpoint.

    Raises:
        RuntimeError: If the checkpoint needs globals outside the allow-list, or cannot be read at all.
    """
    if trusted:
        return torch.load(source, map_location=map_location, weights_only=False)
    try:
        with torch.serialization.safe_globals(SAFE_GLOBALS):
            return torch.load(source, map_location=map_location, weights_only=True)
    except (pickle.UnpicklingError, OSError, EOFError, RuntimeError, KeyError, ValueError, TypeError) as err:
        raise RuntimeError(_refusal(source, name, err)) from err


def _header(source: Union[str, IO[bytes]], size: int = 8) -> bytes:
    """The first bytes of a checkpoint file or buffer."""
    if isinstance(source, str):
        with open(source, 'rb') as f:
            return f.read(size)
    source.seek(0)
    return source.read(size)


def _refusal(source: Union[str, IO[bytes]], name: str, err: Exception) -> str:
    """The message for a checkpoint ``torch.load(weights_only=True)`` could not load: why, and the way out."""
    trust = (f'`--trust-checkpoint {name}` (tools/train.py; a plain `--trust-checkpoint` flag in tools/test.py '
             f'and tools/convert/to_mmavssl.py), or call mmavssl.utils.trust_checkpoint({name!r}) first')
    unsafe = _disallowed_globals(source)
    if unsafe:
        return (f'Refused to load checkpoint {name!r}: unpickling it would need globals that mmavssl does not '
                f'allow-list ({", ".join(unsafe)}), which could run arbitrary code. If you trust this file (e.g. '
                f'it was written by plain mmengine), load it with {trust}. Original error: {err}')
    header = _header(source)
    if header.startswith(b'PK'):
        return (f'Could not read checkpoint {name!r}: it is corrupt, truncated or not a torch checkpoint '
                f'({type(err).__name__}: {err}). Re-download or re-save it.')
    if header[:1] == b'\x80':  # pickle's PROTO opcode: torch < 1.6 ("legacy") format or a plain pickle
        return (f'Refused to load checkpoint {name!r}: it is a legacy-format torch checkpoint (torch < 1.6, '
                'not a zip archive) or a raw pickle, and what it holds goes beyond plain tensors, so loading '
                'it could run arbitrary code; mmavssl refuses such pickles for safety. If you trust the file, '
                f'load it with {trust}, or convert it once in a session you trust: '
                f"torch.save(torch.load({name!r}, weights_only=False), 'converted.pth') (then loading "
                f'converted.pth names any global it still needs). Original error: {type(err).__name__}: {err}')
    return (f'Could not read checkpoint {name!r}: it is corrupt, truncated or not a torch checkpoint: it starts '
            f'with {header!r}, neither a zip archive nor a pickle (a text or HTML file saved as .pth?). '
            'Re-download or re-save it.')


def safe_torch_load(filename: PathLike, map_location: Optional[Any] = None) -> Any:
    """``torch.load`` of a local file with ``weights_only=True`` and mmavssl's allow-list (module docstring).

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
    return _load_checked(filename, filename, map_location, trusted=is_trusted(filename))


def _load_cached_url(url: str, map_location: Optional[Any], model_dir: Optional[str] = None,
                     progress: bool = False) -> Any:
    """Download ``url`` into torch.hub's checkpoint cache once, then load the cached file safely.

    The cache layout is ``torch.hub.load_state_dict_from_url``'s (``<hub dir>/checkpoints/<file name>``), so
    files that mmengine or torch downloaded before are reused.
    """
    model_dir = model_dir or os.path.join(torch.hub.get_dir(), 'checkpoints')
    os.makedirs(model_dir, exist_ok=True)
    cached_file = os.path.join(model_dir, os.path.basename(urlparse(url).path))
    if not os.path.exists(cached_file):
        sys.stderr.write(f'Downloading: "{url}" to {cached_file}\n')
        torch.hub.download_url_to_file(url, cached_file, None, progress=progress)
    return _load_checked(cached_file, url, map_location, trusted=is_trusted(url) or is_trusted(cached_file))


def load_from_local_safely(filename: str, map_location: Optional[Any] = None) -> Any:
    """Loader for local paths: :func:`safe_torch_load` after ``~`` expansion."""
    return safe_torch_load(os.path.expanduser(filename), map_location=map_location)


def load_from_http_safely(filename: str, map_location: Optional[Any] = None, model_dir: Optional[str] = None,
                          progress: bool = os.isatty(0)) -> Any:
    """Loader for ``http(s)://``: download (rank 0 first, like mmengine) into the hub cache, load safely."""
    rank, world_size = get_dist_info()
    if rank == 0:
        checkpoint = _load_cached_url(filename, map_location, model_dir, progress)
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            checkpoint = _load_cached_url(filename, map_location, model_dir, progress)
    return checkpoint


def _model_url(table: Dict[str, str], name: str, filename: str) -> str:
    """Look a model-zoo name up in one of mmengine's URL tables, with an error naming the path."""
    if name not in table:
        raise KeyError(f'Unknown model name {name!r} in checkpoint path {filename!r}; mmengine\'s model tables '
                       '(mmengine/hub/*.json) do not list it.')
    return table[name]


def load_from_torchvision_safely(filename: str, map_location: Optional[Any] = None) -> Any:
    """Loader for ``torchvision://NAME`` and the deprecated ``modelzoo://NAME``."""
    name = filename.split('://', 1)[1]
    url = _model_url(mmengine_checkpoint.get_torchvision_models(), name, filename)
    return load_from_http_safely(url, map_location=map_location)


def load_from_openmmlab_safely(filename: str, map_location: Optional[Any] = None) -> Any:
    """Loader for ``open-mmlab://NAME`` and ``openmmlab://NAME`` (URL or a file under ``$MMENGINE_HOME``)."""
    name = filename.split('://', 1)[1]
    name = mmengine_checkpoint.get_deprecated_model_names().get(name, name)
    url = _model_url(mmengine_checkpoint.get_external_models(), name, filename)
    if url.startswith(('http://', 'https://')):
        return load_from_http_safely(url, map_location=map_location)
    local = os.path.join(mmengine_checkpoint._get_mmengine_home(), url)
    return _load_checked(local, filename, map_location, trusted=is_trusted(filename) or is_trusted(local))


def load_from_mmcls_safely(filename: str, map_location: Optional[Any] = None) -> Any:
    """Loader for ``mmcls://NAME``: the backbone part of an mmcls checkpoint, as mmengine returns it."""
    url = _model_url(mmengine_checkpoint.get_mmcls_models(), filename.split('://', 1)[1], filename)
    return mmengine_checkpoint._process_mmcls_checkpoint(load_from_http_safely(url, map_location=map_location))


def load_from_ceph_safely(filename: str, map_location: Optional[Any] = None, backend: str = 'petrel') -> Any:
    """Loader for ``s3://`` and ``petrel://`` (optionally ``xxx:`` prefixed): bytes from the file backend."""
    data = get_file_backend(filename, backend_args={'backend': backend}).get(filename)
    with io.BytesIO(data) as buffer:
        return _load_checked(buffer, filename, map_location, trusted=is_trusted(filename))


def load_from_pavi_safely(filename: str, map_location: Optional[Any] = None) -> Any:
    """Loader for ``pavi://PATH`` (needs the ``pavi`` package): download to a temporary folder, load safely."""
    try:
        from pavi import modelcloud
    except ImportError as err:
        raise ImportError(f'Loading {filename!r} needs the pavi package (pip install pavi).') from err
    model = modelcloud.get(filename[len('pavi://'):])
    with TemporaryDirectory() as tmp_dir:
        downloaded = os.path.join(tmp_dir, model.name)
        model.download(downloaded)
        return _load_checked(downloaded, filename, map_location, trusted=is_trusted(filename))


_SAFE_LOADERS: Dict[Tuple[str, ...], Callable] = {
    ('', ): load_from_local_safely,
    ('http://', 'https://'): load_from_http_safely,
    ('modelzoo://', 'torchvision://'): load_from_torchvision_safely,
    ('open-mmlab://', 'openmmlab://'): load_from_openmmlab_safely,
    ('mmcls://', ): load_from_mmcls_safely,
    (r'(\S+\:)?s3://', r'(\S+\:)?petrel://'): load_from_ceph_safely,
    ('pavi://', ): load_from_pavi_safely,
}


def _refusing_loader(path: str, loader: Callable) -> Callable:
    """A stand-in for a scheme loader mmavssl has not vetted: it refuses with a message naming the way out."""

    def load_from_unvetted_scheme(filename: str, map_location: Optional[Any] = None) -> Any:
        raise RuntimeError(
            f'Refused to load checkpoint {filename!r}: its scheme is handled by '
            f'{loader.__module__}.{loader.__qualname__}, which mmavssl cannot make load with '
            'weights_only=True, so the file could run arbitrary code. Download it and pass the local path, '
            f'or, if you trust it, pass `--trust-checkpoint {filename}` (mmavssl.utils.trust_checkpoint).')

    return load_from_unvetted_scheme


_original_get_checkpoint_loader = CheckpointLoader._get_checkpoint_loader


def _guarded_get_checkpoint_loader(cls: type, path: str) -> Callable:
    """``CheckpointLoader._get_checkpoint_loader`` that only hands out mmavssl's loaders (or trusted paths')."""
    loader = _original_get_checkpoint_loader(path)
    if loader in _SAFE_LOADERS.values() or is_trusted(path):
        return loader
    return _refusing_loader(path, loader)


def install_checkpoint_support() -> None:
    """Route every mmengine checkpoint scheme through the safe loaders and make saved message-hub buffers
    getattr-free. Idempotent; called on ``import mmavssl``."""
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    for prefixes, loader in _SAFE_LOADERS.items():
        CheckpointLoader.register_scheme(prefixes=list(prefixes), loader=loader, force=True)
    CheckpointLoader._get_checkpoint_loader = classmethod(_guarded_get_checkpoint_loader)
