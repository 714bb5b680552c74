"""Crash-safe file writes: a reader sees the old file or the complete new one, never a torn one.

``atomic_write`` writes into a temporary file in the destination's folder (so the final ``os.replace`` is a
rename within one filesystem, atomic on POSIX), flushes and fsyncs it, renames it into place and fsyncs the
folder so the rename itself survives a power loss. :class:`AtomicLocalBackend` is mmengine's local file
backend with that write, registered as ``backend='atomic_local'`` so that mmengine's checkpoint saving (which
calls ``backend.put``) uses it when a hook passes ``backend_args=dict(backend='atomic_local')``.
"""
import os
import os.path as osp
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend

ATOMIC_BACKEND = 'atomic_local'
TMP_MARK = '.tmp-'


def temporary_path(path: Union[str, Path]) -> str:
    """Name of the temporary file that :func:`atomic_write` uses for ``path`` (hidden, same folder)."""
    folder, name = osp.split(os.fspath(path))
    return osp.join(folder, f'.{name}{TMP_MARK}{os.getpid()}')


def _fsync_folder(folder: str) -> None:
    """Persist a rename in ``folder`` (not every platform lets a folder be opened; then there is nothing to do)."""
    try:
        fd = os.open(folder or '.', os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Union[str, Path], data: Union[bytes, str]) -> None:
    """Replace ``path`` by ``data`` atomically.

    Args:
        path: Destination file; its folder must exist.
        data: Bytes, or text written as UTF-8.

    Raises:
        OSError: If writing fails (e.g. ``ENOSPC`` on a full disk). The message names ``path``; the temporary
            file is removed and ``path`` keeps its previous content.
    """
    path = os.fspath(path)
    tmp = temporary_path(path)
    payload = data.encode('utf-8') if isinstance(data, str) else data
    try:
        with open(tmp, 'wb') as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as err:
        if osp.exists(tmp):
            os.remove(tmp)
        raise OSError(err.errno, f'Could not write {path}: {err.strerror or err}; the previous content of '
                      f'{path} (if any) is unchanged', path) from err
    _fsync_folder(osp.dirname(path))


@register_backend(ATOMIC_BACKEND)
class AtomicLocalBackend(LocalBackend):
    """mmengine's :class:`~mmengine.fileio.LocalBackend` whose ``put``/``put_text`` use :func:`atomic_write`."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write ``obj`` to ``filepath`` atomically, creating its folder if needed."""
        os.makedirs(osp.dirname(os.fspath(filepath)) or '.', exist_ok=True)
        atomic_write(filepath, obj)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        """Write text ``obj`` to ``filepath`` atomically."""
        self.put(obj.encode(encoding), filepath)
