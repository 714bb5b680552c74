"""Use a trained model: build it from its config, predict the classes of one video, localise its sound.

The functions follow mmaction2's ``mmaction.apis`` (``init_recognizer``, ``inference_recognizer``) and run the
config's own test pipeline and data preprocessor, so a prediction sees the clips, crops and fbanks the model
was tested on. A video is a file path, or frames and waveform already in memory::

    dict(frames=uint8 (N, H, W, 3) RGB, fps=float, audio=float32 (C, S) or (S,) or None, sample_rate=int)

(sample 0 of ``audio`` at the time of frame 0; ``audio=None`` is a video without sound).
"""
import os
import warnings
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from torch import nn

from mmavssl.datasets.av_dataset import read_class_names
from mmavssl.datasets.transforms import ArrayVideoReader, AVDecode, AVInit, LocAudioDecode
from mmavssl.models.localizers import FNACLocalizer
from mmavssl.models.utils import without_checkpoints
from mmavssl.registry import MODELS, TRANSFORMS

VideoInput = Union[str, os.PathLike, Dict[str, Any]]


@dataclass
class Prediction:
    """The top-k classes of one video.

    Attributes:
        labels: Top-k class indices, best first.
        scores: Their scores (class probabilities with the default ``average_clips='prob'``).
        names: Their class names, or None when neither the config's class file nor ``class_names`` is at hand.
        audio_valid: False when the video has no audio stream (the model then heard silence).
        warning: Why the prediction may be worse than usual (no audio for an audio model), or None.
        pred_score: (K,) scores of every class.
        data_sample: The model's output sample (metainfo of the test pipeline, ``pred_score``, ``pred_label``).
    """

    labels: List[int]
    scores: List[float]
    names: Optional[List[str]]
    audio_valid: bool
    warning: Optional[str]
    pred_score: torch.Tensor
    data_sample: ActionDataSample


@dataclass
class Localization:
    """Sound-source maps of the frames of one video.

    Attributes:
        maps: (N, h, w) float32 raw maps (cosine similarity / tau of each location with the frame's audio).
        frame_inds: (N,) int64 video frame indices.
        times: (N,) float64 frame times in seconds (``frame_inds / fps``).
        audio_valid: False when the video has no audio stream (the maps then answer silence).
    """

    maps: np.ndarray
    frame_inds: np.ndarray
    times: np.ndarray
    audio_valid: bool


def init_recognizer(config: Union[str, os.PathLike, Config], checkpoint: Optional[str] = None,
                    device: Union[str, torch.device] = 'cpu') -> nn.Module:
    """Build the config's model, load a checkpoint and put it in eval mode on ``device``.

    Works for any config whose ``model`` is an mmavssl model: ``AVRecognizer`` (audio-visual, video-only,
    audio-only), ``SemiSupervisedAVRecognizer`` (predicts with its teacher or student per ``semi_test_cfg``) or
    ``FNACLocalizer``. With a checkpoint, weights that modules would load in their constructor (a frozen
    localizer's ``checkpoint=``) are skipped: the checkpoint holds them.

    Args:
        config: Config file or object.
        checkpoint: mmengine checkpoint (``tools/train.py`` output); None keeps the initial weights.
        device: Device of the model.

    Returns:
        The model, with the config as ``model.cfg``.

    Raises:
        TypeError: ``config`` is neither a path nor a Config.
        RuntimeError: The checkpoint does not fit the config's model (message names both files).
    """
    if isinstance(config, (str, os.PathLike)):
        config = Config.fromfile(os.fspath(config))
    elif not isinstance(config, Config):
        raise TypeError(f'config must be a file name or an mmengine Config, got {type(config).__name__}')
    init_default_scope(config.get('default_scope', 'mmavssl'))
    model_cfg = without_checkpoints(config.model) if checkpoint is not None else config.model
    model = MODELS.build(model_cfg)
    if checkpoint is not None:
        try:
            load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
        except RuntimeError as err:
            if 'state_dict' not in str(err):
                raise
            raise RuntimeError(f'{checkpoint} does not fit the model of {config.filename or "the config"}: '
                               f'{err}. Pass the config the checkpoint was trained with.') from err
    model.cfg = config
    return model.to(device).eval()


def init_localizer(config: Optional[Union[str, os.PathLike]] = None, checkpoint: Optional[str] = None, *,
                   visual_stage: int = 4, input_size: int = 224,
                   device: Union[str, torch.device] = 'cpu') -> FNACLocalizer:
    """Build a frozen FNAC localizer for :func:`localize_video`, warning when its weights are random.

    Unlike :func:`init_recognizer`, the checkpoint may also be an official FNAC/EZ-VSL or raw state-dict file
    (the localizer's own ``checkpoint=`` loader converts it).

    Args:
        config: Config file whose ``model`` is an FNACLocalizer (its loss and data preprocessor are dropped;
            its test pipeline gives :func:`localize_video` the audio window and frame size); when None, FNAC's
            defaults with ``visual_stage`` and ``input_size``.
        checkpoint: Localizer checkpoint; default the config's ``model.checkpoint``.
        visual_stage: ResNet stage of the visual stream without ``config`` (1 to 4).
        input_size: Square input size of the localizer without ``config``.
        device: Device of the model.

    Returns:
        The localizer in eval mode with ``requires_grad=False``, with the config (or None) as ``model.cfg``.
    """
    cfg = Config.fromfile(os.fspath(config)) if config is not None else None
    model_cfg = cfg.model if cfg is not None else None
    if not (checkpoint or (model_cfg is not None and model_cfg.get('checkpoint'))):
        warnings.warn('no localizer checkpoint: the localization maps come from random weights', stacklevel=2)
    if model_cfg is not None:
        init_default_scope(cfg.get('default_scope', 'mmavssl'))
        model_cfg.pop('data_preprocessor', None)
        model_cfg.update(frozen=True, loss=None, checkpoint=checkpoint or model_cfg.get('checkpoint'))
        model = MODELS.build(model_cfg)
    else:
        model = FNACLocalizer(visual_stage=visual_stage, input_size=(input_size, input_size), loss=None,
                              checkpoint=checkpoint, frozen=True)
    model.cfg = cfg
    return model.to(device).eval()


def _predictor(model: nn.Module) -> nn.Module:
    """The module that predicts: a semi-supervised model's teacher or student, else the model itself."""
    semi_test_cfg = getattr(model, 'semi_test_cfg', None)
    return getattr(model, semi_test_cfg['predict_on']) if semi_test_cfg else model


def _test_pipeline(cfg: Config) -> List[dict]:
    """The config's test pipeline (``test_dataloader.dataset.pipeline``, else ``test_pipeline``)."""
    pipeline = cfg.get('test_dataloader', {}).get('dataset', {}).get('pipeline') or cfg.get('test_pipeline')
    if not pipeline:
        raise KeyError(f'{cfg.filename or "the config"} has no test_dataloader.dataset.pipeline (or '
                       'test_pipeline): inference runs the test pipeline; add one')
    return list(pipeline)


def _initial_results(video: VideoInput) -> Dict[str, Any]:
    """Pipeline input for a path or for pre-decoded frames and audio (see the module docstring)."""
    # What a dataset adds to every sample (mmaction's BaseActionDataset); label -1 = unknown.
    sample = dict(label=-1, sample_idx=0, start_index=0, modality='RGB')
    if isinstance(video, dict):
        missing = {'frames', 'fps'} - set(video)
        if missing or (video.get('audio') is not None and 'sample_rate' not in video):
            raise KeyError(f'pre-decoded video needs frames and fps (and sample_rate with audio); missing '
                           f'{sorted(missing) or ["sample_rate"]}')
        return dict(sample, video_reader=ArrayVideoReader(video['frames'], video['fps']),
                    audio_array=video.get('audio'), audio_array_rate=int(video.get('sample_rate') or 0))
    path = os.fspath(video)
    if not os.path.isfile(path):
        raise FileNotFoundError(f'{path} does not exist; pass a video file or pre-decoded frames')
    return dict(sample, filename=path)


def _class_names(cfg: Config) -> Optional[List[str]]:
    """Names from the test dataset's ``classes_file`` when the file is there (paths are relative to cwd)."""
    path = cfg.get('test_dataloader', {}).get('dataset', {}).get('classes_file')
    return read_class_names(path) if path and os.path.isfile(path) else None


def inference_recognizer(model: nn.Module, video: VideoInput, *, topk: int = 5,
                         class_names: Optional[Sequence[str]] = None) -> Prediction:
    """Predict the top-k classes of one video with the test pipeline of ``model.cfg``.

    A video without an audio stream is still classified (``AVDecode(missing_audio='zeros')`` gives silence and
    ``audio_valid=False``, which the fusion head reads); for a model that uses audio this warns and says so in
    ``Prediction.warning``.

    Args:
        model: From :func:`init_recognizer` (needs ``model.cfg``).
        video: A file path or pre-decoded frames and audio (module docstring).
        topk: How many classes to return (at most the number of classes).
        class_names: Names of the K classes; default the config's class file when it exists.

    Returns:
        The :class:`Prediction`.

    Raises:
        ValueError: ``topk < 1``, or ``class_names`` of the wrong length.
        FileNotFoundError: The video file does not exist.
    """
    if topk < 1:
        raise ValueError(f'topk must be >= 1, got {topk}')
    cfg = model.cfg
    init_default_scope(cfg.get('default_scope', 'mmavssl'))
    data = Compose(_test_pipeline(cfg))(_initial_results(video))
    with torch.no_grad():
        sample = model.test_step(pseudo_collate([data]))[0]
    score = sample.pred_score.float().cpu()
    names = list(class_names) if class_names is not None else _class_names(cfg)
    if names is not None and len(names) != len(score):
        raise ValueError(f'{len(names)} class names for a model of {len(score)} classes; pass the class file '
                         'the model was trained with')
    values, labels = score.topk(min(topk, len(score)))
    audio_valid = bool(sample.metainfo.get('audio_valid', True))
    warning = None
    if not audio_valid and getattr(_predictor(model), 'with_audio', False):
        source = os.fspath(video) if not isinstance(video, dict) else 'the pre-decoded video'
        warning = (f'{source} has no audio stream: the model heard silence (audio_valid=False) and predicts '
                   'from the frames alone')
        warnings.warn(warning, UserWarning, stacklevel=2)
    return Prediction(labels=labels.tolist(), scores=values.tolist(),
                      names=[names[i] for i in labels.tolist()] if names is not None else None,
                      audio_valid=audio_valid, warning=warning, pred_score=score, data_sample=sample)


def _config_steps(node: Any, name: str) -> Iterator[dict]:
    """Every transform dict of type ``name`` in a (nested) config, depth first."""
    if isinstance(node, dict):
        if node.get('type') == name:
            yield node
        for value in node.values():
            yield from _config_steps(value, name)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _config_steps(value, name)


def localizer_transforms(cfg: Optional[Config]) -> Tuple[dict, dict, Optional[Tuple[int, int]]]:
    """The localizer's input settings in a config: audio window, spectrogram and frame size.

    The test pipeline is searched first (a localizer config), then the whole config (a semi-supervised config,
    whose student view carries the localizer's transforms).

    Args:
        cfg: Config, or None for FNAC's defaults (3 s window, 512-sample segments, frames as decoded).

    Returns:
        ``(LocAudioWindow cfg, FNACSpectrogram cfg, (W, H) or None)``: the transform configs for one centred
        frame without augmentation, and the size of the test pipeline's fixed ``Resize``.
    """
    found: Dict[str, dict] = {}
    size = None
    if cfg is not None:
        test = cfg.get('test_dataloader', {}).get('dataset', {}).get('pipeline', [])
        for name in ('LocAudioWindow', 'FNACSpectrogram'):
            step = next(_config_steps(test, name), None) or next(_config_steps(dict(cfg), name), None)
            if step is not None:
                found[name] = dict(step)
        sizes = [tuple(s['scale']) for s in _config_steps(test, 'Resize')
                 if not s.get('keep_ratio', False) and 'scale' in s]
        size = sizes[-1] if sizes else None
    window = dict(found.get('LocAudioWindow', dict(type='LocAudioWindow')), frame='center', keep_single_frame=False)
    spectrogram = dict(found.get('FNACSpectrogram', dict(type='FNACSpectrogram')), augment=False)
    return window, spectrogram, size


def _frame_indices(total: int, fps: float, times: Optional[Sequence[float]], source: str) -> np.ndarray:
    """Frame indices at ``times`` (every frame when None), checked against the video's length."""
    if times is None:
        return np.arange(total)
    inds = np.round(np.asarray(times, np.float64) * fps).astype(np.int64)
    outside = [t for t, i in zip(times, inds) if not 0 <= i < total]
    if outside:
        raise ValueError(f'{source} lasts {total / fps:.2f} s ({total} frames); times {outside} are outside it')
    return inds


def video_info(video: VideoInput) -> Tuple[int, float]:
    """The number of frames and the frame rate of a video (a file path or pre-decoded frames).

    Returns:
        ``(frames, fps)``; frame ``i`` is at ``i / fps`` seconds.
    """
    results = AVInit()(_initial_results(video))
    return results['total_frames'], results['avg_fps']


def _decode_frames(results: Dict[str, Any], inds: np.ndarray, size: Optional[Tuple[int, int]]) -> np.ndarray:
    """(N, H, W, 3) RGB uint8 frames ``inds`` of an ``AVInit`` result, resized to ``size`` (W, H) when given."""
    frames = AVDecode(decode_audio=False)(dict(results, frame_inds=inds, clip_len=len(inds), num_clips=1))
    if size:
        frames = TRANSFORMS.build(dict(type='Resize', scale=tuple(size), keep_ratio=False))(frames)
    return np.stack(frames['imgs'])


def read_frames(video: VideoInput, times: Optional[Sequence[float]] = None, *,
                size: Optional[Tuple[int, int]] = None) -> np.ndarray:
    """The frames of a video at ``times``, decoded as the test pipeline decodes them (``AVInit`` + ``AVDecode``).

    Args:
        video: A file path or pre-decoded frames and audio (module docstring).
        times: Frame times in seconds (the frame nearest each); every frame when None.
        size: (W, H) to resize the frames to (bilinear, aspect ratio not kept); the video's size when None.

    Returns:
        (N, H, W, 3) RGB uint8.

    Raises:
        ValueError: A time is outside the video.
    """
    results = AVInit()(_initial_results(video))
    inds = _frame_indices(results['total_frames'], results['avg_fps'], times,
                          results.get('filename', 'the pre-decoded video'))
    return _decode_frames(results, inds, size)


def localize_video(model: nn.Module, video: VideoInput, times: Optional[Sequence[float]] = None, *,
                   window: Optional[float] = None, batch_size: int = 16) -> Localization:
    """Sound-source maps of the frames of a video, each from the audio window centred on its frame.

    The localizer sees what its config trained it on: the ``LocAudioWindow`` / ``FNACSpectrogram`` settings
    and the fixed ``Resize`` of the config (see :func:`localizer_transforms`).

    Args:
        model: An ``FNACLocalizer`` or a model with a ``localizer`` (``SemiSupervisedAVRecognizer``), usually
            from :func:`init_recognizer` (``model.cfg`` gives the transforms; FNAC's defaults without it).
        video: A file path or pre-decoded frames and audio (module docstring).
        times: Frame times in seconds; every frame of the video when None.
        window: Audio window in seconds; default the config's ``LocAudioWindow`` (FNAC: 3 s).
        batch_size: Frames per localizer call.

    Returns:
        The :class:`Localization` (maps (N, h, w)).

    Raises:
        ValueError: The model has no localizer, or a time is outside the video.
    """
    localizer = model if hasattr(model, 'localize') else getattr(model, 'localizer', None)
    if localizer is None:
        raise ValueError(f'{type(model).__name__} has no sound-source localizer; build one with '
                         'init_recognizer(<localizer config>, <localizer checkpoint>) (configs/localizer/)')
    window_cfg, spectrogram_cfg, size = localizer_transforms(getattr(model, 'cfg', None))
    if window is not None:
        window_cfg['window'] = window
    window, spectrogram = TRANSFORMS.build(window_cfg), TRANSFORMS.build(spectrogram_cfg)
    results = AVInit()(_initial_results(video))
    source = results.get('filename', 'the pre-decoded video')
    fps = results['avg_fps']
    inds = _frame_indices(results['total_frames'], fps, times, source)
    results.update(frame_inds=inds)
    results = LocAudioDecode(window=window.window, sample_rate=window.sample_rate or 16000)(results)
    device = next(localizer.parameters()).device
    mean = torch.tensor(localizer.video_mean, device=device).view(1, 3, 1, 1, 1)
    std = torch.tensor(localizer.video_std, device=device).view(1, 3, 1, 1, 1)
    maps = []
    for start in range(0, len(inds), batch_size):
        chunk = inds[start:start + batch_size]
        frames = _decode_frames(results, chunk, size)
        specs = [spectrogram(window(dict(results, frame_inds=chunk[i:i + 1])))['loc_audios']
                 for i in range(len(chunk))]
        imgs = torch.from_numpy(frames).to(device).permute(0, 3, 1, 2)[:, :, None]
        imgs = (imgs.float() - mean) / std
        maps.append(localizer.localize(imgs, torch.from_numpy(np.stack(specs)).to(device))[:, 0].float().cpu())
    if not results['audio_valid']:
        warnings.warn(f'{source} has no audio stream: the sound-source maps answer silence', UserWarning,
                      stacklevel=2)
    return Localization(maps=torch.cat(maps).numpy(), frame_inds=inds, times=inds / fps,
                        audio_valid=bool(results['audio_valid']))


__all__ = ['Localization', 'Prediction', 'VideoInput', 'inference_recognizer', 'init_localizer', 'init_recognizer',
           'localize_video', 'localizer_transforms', 'read_frames', 'video_info']
