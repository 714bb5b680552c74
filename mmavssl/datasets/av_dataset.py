"""Audio-visual video datasets on mmaction2's ``path label`` lists, with a bad-data policy."""
import logging
import os.path as osp
from contextlib import nullcontext
from typing import Any, Callable, List, Optional, Sequence, Union

from mmaction.datasets import BaseActionDataset
from mmengine.fileio import list_from_file
from mmengine.logging import print_log

from mmavssl.registry import DATASETS
from .errors import BadVideoError
from .seeding import seeded_rngs

# How many missing files a test-mode error lists before summarising.
_MAX_LISTED = 20


def wav_relpath(video_relpath: str) -> str:
    """Where the pre-extracted audio of a video lies under the audio root: its relative path with ``.wav``.

    ``tools/data/extract_audio.py`` writes there and :class:`AVVideoDataset` reads there.

    Args:
        video_relpath: Path of the video relative to the video root, e.g. ``'a/clip.mp4'``.

    Returns:
        E.g. ``'a/clip.wav'``.
    """
    return osp.splitext(video_relpath)[0] + '.wav'


def read_class_names(path: str) -> List[str]:
    """Class names from ``name`` or ``index name`` lines (e.g. UCF101's ``classInd.txt``), in file order.

    Args:
        path: The class-name file.

    Returns:
        The names; label ``i`` is the ``i``-th non-empty line.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'classes_file {path} not found; pass the class-name file or classes_file=None')
    return [line.split()[-1] for line in list_from_file(path) if line.strip()]


@DATASETS.register_module()
class AVVideoDataset(BaseActionDataset):
    """Videos with audio listed as ``<relative path> <0-based label>`` per line.

    Each sample dict holds ``filename`` (``data_prefix['video']`` joined with the path), ``label`` (-1 when
    the line has none and labels are optional), ``sample_idx`` (index in this dataset) and, when
    ``data_prefix['audio']`` is set, ``audio_path`` = ``<audio root>/<relative path with .wav>`` (the layout
    ``tools/data/extract_audio.py`` writes).

    Bad data: a :class:`BadVideoError` from the pipeline (missing, unreadable, corrupt or empty video, or no
    audio with ``missing_audio='skip'``) is, during training, logged and skipped (mmengine draws another
    index); the skipped files travel with the replacement sample in its metainfo ``bad_files`` so that the
    training loop (``SemiIterBasedTrainLoop``) counts them per epoch in the main process. ``strict=True``
    raises instead. At test time nothing is dropped: missing files are listed and raised at construction, a
    corrupt file raises naming it.

    Args:
        ann_file: The list file.
        pipeline: Transforms.
        data_prefix: ``dict(video=root, audio='' | wav root)`` ('' = read audio from the video).
        classes_file: Optional class-name file; labels are checked against its length.
        num_classes: Number of classes when there is no ``classes_file``.
        require_label: Reject lines without a label.
        strict: Raise on bad videos during training instead of skipping.
        delimiter: Column separator (None = any whitespace).
        test_mode: Evaluation dataset.
        **kwargs: Passed to :class:`mmaction.datasets.BaseActionDataset`.
    """

    def __init__(self, ann_file: str, pipeline: List[Union[dict, Callable]],
                 data_prefix: Optional[dict] = None, classes_file: Optional[str] = None,
                 num_classes: Optional[int] = None, require_label: bool = True, strict: bool = False,
                 delimiter: Optional[str] = None, test_mode: bool = False, **kwargs: Any) -> None:
        self.classes_file = classes_file
        self.class_names = read_class_names(classes_file) if classes_file else None
        if self.class_names is not None and num_classes not in (None, len(self.class_names)):
            raise ValueError(f'num_classes={num_classes} but {classes_file} lists {len(self.class_names)} '
                             'classes; drop one of the two')
        self.require_label = require_label
        self.strict = strict
        self.delimiter = delimiter
        self._pending_bad: List[str] = []
        self._bad_total = 0
        prefix = dict(video='', audio='')
        prefix.update(data_prefix or {})
        metainfo = kwargs.pop('metainfo', None) or {}
        if self.class_names is not None:
            metainfo = dict(metainfo, classes=tuple(self.class_names))
        n_cls = len(self.class_names) if self.class_names is not None else num_classes
        super().__init__(ann_file, pipeline, data_prefix=prefix, num_classes=n_cls, test_mode=test_mode,
                         metainfo=metainfo, **kwargs)
        if test_mode:
            self._check_files_exist()

    def _parse_line(self, line: str, lineno: int) -> dict:
        """One list line -> data info; raises naming ``file:line`` and the fix."""
        where = f'{self.ann_file}:{lineno}'
        parts = line.split(self.delimiter)
        if len(parts) > 2:
            raise ValueError(f'{where}: expected "<path> <label>", got {line!r}; multi-label lists and paths '
                             'with spaces are not supported (rename the file or use a different delimiter)')
        label = -1
        if len(parts) == 2:
            try:
                label = int(parts[1])
            except ValueError:
                raise ValueError(f'{where}: label {parts[1]!r} is not an integer; labels are 0-based class '
                                 'indices') from None
            if label < 0 or (self.num_classes is not None and label >= self.num_classes):
                raise ValueError(f'{where}: label {label} outside [0, {self.num_classes}); labels are 0-based '
                                 '(convert 1-based classInd labels) and must match the class-name file')
        elif self.require_label:
            raise ValueError(f'{where}: no label column in {line!r}; add "<path> <label>" or use '
                             'UnlabeledAVVideoDataset for unlabeled lists')
        rel = parts[0]
        info = dict(filename=osp.join(self.data_prefix['video'], rel), label=label)
        if self.data_prefix.get('audio'):
            if osp.isabs(rel):
                raise ValueError(f'{where}: absolute path {rel!r} cannot be mapped into the audio root; make '
                                 "list paths relative to data_prefix['video']")
            info['audio_path'] = osp.join(self.data_prefix['audio'], wav_relpath(rel))
        return info

    def load_data_list(self) -> List[dict]:
        """Parse the list file.

        Returns:
            One dict per non-empty line.
        """
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(f'annotation file {self.ann_file} not found; check ann_file in the config')
        data = [self._parse_line(line.strip(), i + 1)
                for i, line in enumerate(list_from_file(self.ann_file)) if line.strip()]
        if not data:
            raise ValueError(f'{self.ann_file} lists no videos')
        return data

    def _check_files_exist(self) -> None:
        """Test mode: raise listing every missing video or wav."""
        # data_list is emptied when serialize_data=True, so read the infos back one by one.
        missing = [path for info in map(self.get_data_info, range(len(self)))
                   for path in (info['filename'], info.get('audio_path')) if path and not osp.isfile(path)]
        if missing:
            listed = '\n  '.join(missing[:_MAX_LISTED])
            more = f'\n  ... and {len(missing) - _MAX_LISTED} more' if len(missing) > _MAX_LISTED else ''
            raise FileNotFoundError(f'{len(missing)} file(s) of test list {self.ann_file} are missing; evaluating '
                                    f'without them would change the metric. Restore them or remove their lines:'
                                    f'\n  {listed}{more}')

    def prepare_data(self, idx: int) -> Any:
        """Run the pipeline; apply the bad-data policy to :class:`BadVideoError`.

        Args:
            idx: Sample index.

        Returns:
            The pipeline output, or None for a skipped bad video (training only).
        """
        try:
            return super().prepare_data(idx)
        except BadVideoError as err:
            if self.test_mode or self.strict:
                raise
            self._pending_bad.append(err.path)
            self._bad_total += 1
            # The total is per process (each dataloader worker counts its own); the training loop sums exactly.
            print_log(f'skipped bad video ({self._bad_total} so far in this process): {err} '
                      '(strict=True raises instead)', logger='current', level=logging.WARNING)
            return None

    def __getitem__(self, idx: int) -> Any:
        """Fetch a sample; skipped files are attached to the returned sample's metainfo ``bad_files``.

        Args:
            idx: Sample index; a :class:`~mmavssl.datasets.seeding.SeededIndex` (from ``LabeledUnlabeledSampler``)
                seeds the pipeline's random draws, and those of a replacement for a bad video, with its seed.

        Returns:
            The packed sample (single or multi-branch).
        """
        self._pending_bad = []
        seed = getattr(idx, 'seed', None)
        # int(idx): the index ends up in the sample's metainfo (sample_idx), which should hold a plain int.
        with seeded_rngs(seed) if seed is not None else nullcontext():
            data = super().__getitem__(int(idx))
        if self._pending_bad:
            for sample in _data_samples(data):
                sample.set_metainfo(dict(bad_files=list(self._pending_bad)))
                break
        return data


def _data_samples(data: Any) -> Sequence:
    """The non-None data samples of a packed (single- or multi-branch) sample."""
    samples = data.get('data_samples') if isinstance(data, dict) else None
    if isinstance(samples, dict):
        return [s for s in samples.values() if s is not None]
    return [samples] if samples is not None else []


@DATASETS.register_module()
class UnlabeledAVVideoDataset(AVVideoDataset):
    """The unlabeled part of a semi-supervised split: lines ``<path>`` or ``<path> <label>``.

    A label, when present, is kept as ``gt_label`` for pseudo-label accuracy logging only (never for a
    loss); otherwise ``gt_label`` is -1. ``sample_idx`` is the index in this dataset (FlexMatch state).

    Args:
        *args: As :class:`AVVideoDataset`.
        **kwargs: As :class:`AVVideoDataset`; ``require_label`` is fixed to False.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs['require_label'] = False
        super().__init__(*args, **kwargs)


def _batch_samples(data_batch: Any) -> List[Any]:
    """The data samples of a ``pseudo_collate``d batch (dict with a list, or a dict of branch lists)."""
    samples = data_batch.get('data_samples') if isinstance(data_batch, dict) else None
    if samples is None:
        return []
    groups = samples.values() if isinstance(samples, dict) else [samples]
    return [sample for group in groups for sample in group or [] if sample is not None]


def count_bad_files(data_batch: Any) -> List[str]:
    """Files skipped while building a collated batch (from each sample's metainfo ``bad_files``).

    Args:
        data_batch: A batch from ``pseudo_collate`` (dict with a list, or a dict of branch lists, of samples).

    Returns:
        The skipped paths, possibly with repeats.
    """
    return [path for sample in _batch_samples(data_batch) for path in sample.metainfo.get('bad_files', [])]


def files_without_audio(data_batch: Any) -> List[str]:
    """Files of a collated batch that have no audio stream (metainfo ``audio_missing``), used as silence.

    Args:
        data_batch: A batch from ``pseudo_collate`` (dict with a list, or a dict of branch lists, of samples).

    Returns:
        The paths, once each (a clip in several branches of a semi-supervised batch counts once).
    """
    paths = [sample.metainfo.get('filename') for sample in _batch_samples(data_batch)
             if sample.metainfo.get('audio_missing', False)]
    return list(dict.fromkeys(paths))
