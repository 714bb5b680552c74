"""Fast health checks of the videos of an annotation list, before a long run (``tools/analysis/check_videos.py``).

The checks are the ones the training pipeline applies one file at a time (:func:`_open_video` of
``AVInit``/``AVDecode`` and PyAV's stream list of :func:`read_audio`), run on every file up front.
"""
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import av

from .errors import BadVideoError
from .transforms.loading import _open_video


def check_video(path: str, audio_path: Optional[str] = None, require_audio: bool = True) -> Optional[str]:
    """Return what is wrong with one video (``None`` when it is fine).

    Opens the file with decord, decodes its first and last frame, and looks for an audio stream (in
    ``audio_path`` when the dataset reads pre-extracted wavs).

    Args:
        path: Video file.
        audio_path: Pre-extracted wav used instead of the video's audio stream, if any.
        require_audio: Report a missing audio stream (a clip that would be used as silence).

    Returns:
        A one-line problem description, or ``None``.
    """
    try:
        reader = _open_video(path, num_threads=1)
        reader.get_batch([0, len(reader) - 1])
    except BadVideoError as err:
        return str(err)
    except Exception as err:  # decord's errors on a truncated stream
        return f'{path}: frames cannot be decoded ({err}); re-encode or remove it'
    if not require_audio:
        return None
    source = audio_path or path
    if audio_path and not osp.isfile(audio_path):
        return f'{audio_path}: pre-extracted audio not found; run tools/data/extract_audio.py'
    try:
        with av.open(source) as container:
            if not container.streams.audio:
                return f'{source}: has no audio stream (it would be used as silence)'
    except Exception as err:  # PyAV's FFmpeg errors
        return f'{source}: cannot be opened by FFmpeg ({err})'
    return None


def _check_task(task: Tuple[str, Optional[str], bool]) -> Optional[str]:
    return check_video(*task)


def check_videos(files: Sequence[Tuple[str, Optional[str]]], require_audio: bool = True,
                 workers: int = 4) -> List[str]:
    """Check many videos in parallel with a progress bar.

    Args:
        files: ``(video path, audio path or None)`` pairs.
        require_audio: Report videos without an audio stream.
        workers: Processes (1 checks in this process).

    Returns:
        The problems found, in list order.
    """
    from mmengine.utils import track_parallel_progress, track_progress
    tasks = [(video, audio, require_audio) for video, audio in files]
    if workers > 1:
        results = track_parallel_progress(_check_task, tasks, nproc=workers, keep_order=True)
    else:
        results = track_progress(_check_task, tasks)
    return [problem for problem in results if problem]
