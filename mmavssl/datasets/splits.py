"""Video lists in mmaction2's ``path label`` format and labeled/unlabeled splits.

A list file holds one ``<path> <label>`` line per video (whitespace-separated, 0-based label), the format
of mmaction2's ``VideoDataset``, of SVFormer's split files and of every list mmavssl writes. This module
reads and writes such lists, converts UCF-101's official split files (``classInd.txt``,
``trainlist0X.txt``, ``testlist0X.txt``) and draws seeded, class-balanced labeled subsets (k clips per
class, without replacement) for the semi-supervised 1-shot / 5-shot protocols.
"""
from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

import numpy as np

__all__ = [
    'VideoEntry', 'read_list', 'write_list', 'format_list', 'list_checksum', 'draw_labeled_split',
    'read_class_index', 'read_ucf_split', 'read_svformer_list', 'class_counts'
]


class VideoEntry(NamedTuple):
    """One line of a video list.

    Attributes:
        path: Video path, relative to the dataset's video prefix (or absolute).
        label: 0-based class index.
    """

    path: str
    label: int


def _lines(path: str | os.PathLike) -> list[tuple[int, str]]:
    """Return ``(line_number, stripped_text)`` of the non-blank lines of a text file (CRLF tolerated)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'list file {path} does not exist; check the path')
    with open(path, encoding='utf-8', newline=None) as f:
        return [(i, line.strip()) for i, line in enumerate(f, start=1) if line.strip()]


def read_list(path: str | os.PathLike, num_classes: int | None = None) -> list[VideoEntry]:
    """Read a ``<path> <label>`` list (0-based labels).

    Args:
        path: List file; blank lines are skipped, CRLF line ends are accepted.
        num_classes: When given, every label must lie in ``[0, num_classes)``.

    Returns:
        The entries in file order.

    Raises:
        ValueError: On a line without exactly a path and an integer label, or a label out of range;
            the message names the file and line.
    """
    entries = []
    for lineno, text in _lines(path):
        parts = text.split()
        if len(parts) != 2:
            raise ValueError(f'{path}:{lineno}: expected "<path> <label>", got {text!r}')
        try:
            label = int(parts[1])
        except ValueError:
            raise ValueError(f'{path}:{lineno}: label {parts[1]!r} is not an integer') from None
        if label < 0 or (num_classes is not None and label >= num_classes):
            bound = f'[0, {num_classes})' if num_classes is not None else '>= 0'
            raise ValueError(f'{path}:{lineno}: label {label} out of range {bound} (labels are 0-based)')
        entries.append(VideoEntry(parts[0], label))
    return entries


def format_list(entries: Iterable[VideoEntry]) -> str:
    """Render entries as list-file text (``path label`` lines, LF line ends)."""
    lines = []
    for entry in entries:
        if any(c.isspace() for c in entry.path):
            raise ValueError(f'path {entry.path!r} contains whitespace and cannot be stored in a list file')
        lines.append(f'{entry.path} {entry.label}\n')
    return ''.join(lines)


def list_checksum(entries: Iterable[VideoEntry]) -> str:
    """SHA-256 (hex) of the list-file text of ``entries``; equals ``sha256sum`` of the written file."""
    return hashlib.sha256(format_list(entries).encode('utf-8')).hexdigest()


def write_list(entries: Sequence[VideoEntry], path: str | os.PathLike) -> str:
    """Write a list file atomically (temp file + rename) and return its SHA-256.

    Args:
        entries: Entries to write, in order.
        path: Destination; parent folders are created.

    Returns:
        The hex SHA-256 of the written file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = format_list(entries)
    tmp = path.with_name(f'.{path.name}.tmp{os.getpid()}')
    tmp.write_text(text, encoding='utf-8')
    os.replace(tmp, path)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def class_counts(entries: Iterable[VideoEntry]) -> dict[int, int]:
    """Number of entries per label, sorted by label."""
    counts: dict[int, int] = defaultdict(int)
    for entry in entries:
        counts[entry.label] += 1
    return dict(sorted(counts.items()))


def draw_labeled_split(entries: Sequence[VideoEntry], shots: int,
                       seed: int) -> tuple[list[VideoEntry], list[VideoEntry]]:
    """Draw ``shots`` labeled clips per class without replacement; the rest is unlabeled.

    The draw depends only on the set of entries, ``shots`` and ``seed`` (entries are sorted by
    ``(label, path)`` first), so reordering the input list gives the same split.

    Args:
        entries: The full training list; paths must be unique.
        shots: Labeled clips per class (>= 1).
        seed: Seed of the draw.

    Returns:
        ``(labeled, unlabeled)``, both sorted by ``(label, path)``; ``labeled`` has exactly ``shots``
        entries of every class present in ``entries``.

    Raises:
        ValueError: If ``shots < 1``, paths repeat, or a class has fewer than ``shots`` clips.
    """
    if shots < 1:
        raise ValueError(f'shots must be >= 1, got {shots}')
    ordered = sorted(entries, key=lambda e: (e.label, e.path))
    paths = [e.path for e in ordered]
    if len(set(paths)) != len(paths):
        dup = next(p for i, p in enumerate(paths) if i and paths[i - 1] == p)
        raise ValueError(f'duplicate path {dup!r} in the list; a clip may appear only once')
    by_class: dict[int, list[VideoEntry]] = defaultdict(list)
    for entry in ordered:
        by_class[entry.label].append(entry)
    short = {c: len(v) for c, v in by_class.items() if len(v) < shots}
    if short:
        raise ValueError(f'{shots} labeled clips per class requested but classes {short} '
                         '(label: clips) have fewer; lower --shots or add clips')
    rng = np.random.default_rng(seed)
    labeled_set = set()
    for label in sorted(by_class):
        picks = rng.choice(len(by_class[label]), size=shots, replace=False)
        labeled_set.update(by_class[label][i].path for i in picks)
    labeled = [e for e in ordered if e.path in labeled_set]
    unlabeled = [e for e in ordered if e.path not in labeled_set]
    return labeled, unlabeled


def read_class_index(path: str | os.PathLike) -> list[str]:
    """Read UCF-101's ``classInd.txt`` (``<1-based idx> <ClassName>`` lines, CRLF).

    Returns:
        Class names, position ``i`` holding the class whose file index is ``i + 1``.

    Raises:
        ValueError: On malformed lines or indices that are not exactly ``1..N`` in order.
    """
    names = []
    for lineno, text in _lines(path):
        parts = text.split()
        if len(parts) != 2 or not parts[0].isdigit():
            raise ValueError(f'{path}:{lineno}: expected "<1-based index> <ClassName>", got {text!r}')
        if int(parts[0]) != len(names) + 1:
            raise ValueError(f'{path}:{lineno}: index {parts[0]} out of sequence (expected {len(names) + 1}); '
                             'classInd indices must run 1..N in order')
        names.append(parts[1])
    if not names:
        raise ValueError(f'{path}: no classes found')
    return names


def read_ucf_split(path: str | os.PathLike, class_names: Sequence[str]) -> list[VideoEntry]:
    """Read an official UCF-101 split file into 0-based entries.

    ``trainlist0X.txt`` lines are ``Class/v_Class_gXX_cYY.avi <1-based idx>``; ``testlist0X.txt`` lines
    have no label, which is then taken from the folder name. When a label is present it must agree with
    the folder name.

    Args:
        path: The split file.
        class_names: Names from :func:`read_class_index` (position = 0-based label).

    Returns:
        Entries with paths as in the file (``Class/v_...avi``) and 0-based labels.

    Raises:
        ValueError: Naming the file and line, on malformed lines, unknown folders, labels out of range
            or labels that disagree with the folder.
    """
    index = {name: i for i, name in enumerate(class_names)}
    entries = []
    for lineno, text in _lines(path):
        parts = text.split()
        if len(parts) not in (1, 2) or '/' not in parts[0]:
            raise ValueError(f'{path}:{lineno}: expected "Class/v_Class_gXX_cYY.avi [1-based idx]", got {text!r}')
        folder = parts[0].split('/')[0]
        if folder not in index:
            raise ValueError(f'{path}:{lineno}: class folder {folder!r} is not in classInd.txt')
        label = index[folder]
        if len(parts) == 2:
            if not parts[1].isdigit() or not 1 <= int(parts[1]) <= len(class_names):
                raise ValueError(f'{path}:{lineno}: label {parts[1]!r} is not a 1-based index in '
                                 f'1..{len(class_names)}')
            if int(parts[1]) - 1 != label:
                raise ValueError(f'{path}:{lineno}: label {parts[1]} is class '
                                 f'{class_names[int(parts[1]) - 1]!r} but the folder is {folder!r}')
        entries.append(VideoEntry(parts[0], label))
    return entries


def read_svformer_list(path: str | os.PathLike, keep_components: int | None = None,
                       num_classes: int | None = None) -> list[VideoEntry]:
    """Read one of SVFormer's split files (``<absolute path> <0-based label>``).

    Args:
        path: e.g. ``dataset/list_ucf_1/train.csv``.
        keep_components: When given, keep only the last ``keep_components`` path components, turning the
            authors' absolute paths into relative ones (2 for UCF-101: ``Class/v_X.avi``).
        num_classes: Optional label range check.

    Returns:
        Entries, paths rewritten as requested.

    Raises:
        ValueError: On malformed lines (see :func:`read_list`) or paths with fewer components than
            ``keep_components``.
    """
    entries = read_list(path, num_classes=num_classes)
    if keep_components is None:
        return entries
    if keep_components < 1:
        raise ValueError(f'keep_components must be >= 1, got {keep_components}')
    out = []
    for entry in entries:
        parts = [p for p in entry.path.replace('\\', '/').split('/') if p]
        if len(parts) < keep_components:
            raise ValueError(f'{path}: path {entry.path!r} has fewer than {keep_components} components')
        out.append(VideoEntry('/'.join(parts[-keep_components:]), entry.label))
    return out
