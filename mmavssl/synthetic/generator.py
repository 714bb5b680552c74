"""Synthetic audio-visual action dataset: real H.264 + AAC ``.mp4`` clips with ground-truth sound sources.

Every clip shows several moving shapes on a dark background. Exactly one of them is the sound source: at
each audio event (a short burst of the class's timbre) it flashes towards white and swells. The class is
the pair *(shape of the sounding object, timbre of the sound)*, so a video-only model can at best find the
shape (the flashing object) and an audio-only model at best the timbre; only both modalities together
resolve the class. Distractors have the other shapes; they move but stay steady, or, with
``distractor_pulses=True``, flash at their own times, never within two frames of a source event, so
finding the source then needs the audio.

Ground truth per clip (``annotations.json``): the source's box in every frame, its event times, and the
same for each distractor. Everything is a deterministic function of :class:`SyntheticAVConfig` (including
its seed): the same configuration writes byte-identical files.

Output layout of :func:`generate_dataset` (``root`` is the dataset folder)::

    root/
      classes.txt                      one class name per line, line i = label i
      train_all.txt                    all training clips, "path label" (paths relative to root)
      train_labeled_{k}shot.txt        k clips per class drawn from train_all (seeded), for k in shots
      train_unlabeled_{k}shot.txt      the rest of train_all
      val.txt, test.txt
      annotations.json                 per-clip ground truth (see load_annotations)
      videos/{split}/{class}/{class}_{split}_{i:04d}.mp4
      manifest.json                    parameters + SHA-256 of every file; written last
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import av
import numpy as np

from mmavssl.datasets.splits import VideoEntry, draw_labeled_split, write_list

__all__ = [
    'SHAPES', 'TIMBRES', 'SyntheticAVConfig', 'ClipSpec', 'RenderedClip', 'render_clip', 'write_av_file',
    'generate_dataset', 'verify_dataset', 'dataset_problem', 'load_annotations', 'GPU_PRESET', 'BENCHMARK_PRESET',
    'SOURCE_PRESET', 'PRESETS'
]

SHAPES = ('circle', 'square', 'triangle', 'cross', 'diamond', 'ring', 'hexagon', 'star')
TIMBRES = ('low_tone', 'high_tone', 'noise', 'chirp', 'buzz', 'mid_tone', 'warble', 'bell')
# Distractor shapes of a set that does not name its own (the first four shapes: every set made before the
# larger vocabulary existed keeps its exact content).
_CLASSIC_SHAPES = SHAPES[:4]
SPLITS = ('train', 'val', 'test')
MANIFEST = 'manifest.json'
# Bump whenever the generator's output for a given configuration changes, so that old sets are not reused.
FORMAT_VERSION = 2

# Visual and acoustic event shape shared by the flash and the burst, so that the two are synchronised.
_DECAY_S = 0.12
_ATTACK_S = 0.005
_BURST_S = 0.3
_MIN_GAP_S = 0.35
_MAX_GAP_S = 0.8
_PULSE_GROW = 0.35
_PULSE_WHITEN = 0.8
_NOISE_RMS = 0.01
_BURST_RMS = 0.2
# Highest frequency of any timbre (high_tone's 2nd harmonic, chirp's end); sample rates must exceed 2x.
_MAX_FREQ_HZ = 3600.0

# 320x240 at 25 fps, the resolution of UCF-101, for GPU runs.
GPU_PRESET: dict[str, Any] = dict(width=320, height=240, fps=25)
# Objects of the benchmark and source sets: 14-18 % of the short side (11-16 % at the default), so that at the
# CPU models' 64 px input a shape spans 18-23 px (more than a 16 px patch) instead of 10-15 px: pretrained on
# the default size, the tiny video ViT told the source set's five shapes apart in only 34 % of its validation
# clips (chance 20 %), which left nothing for the benchmark's video branch to transfer.
_BENCHMARK_OBJECTS = (0.14, 0.18)
# The semi-supervised benchmark (docs/synthetic_dataset.md): 4 paired classes, each a shape with its own timbre
# (the four most distinct shapes and timbres), distractors from the other four shapes so that a shape in view is a
# class's only when it sounds, and half the clips sounding with the class-free noise, where only the video names
# the class. 300 / 30 / 150 clips per class: 600 test clips (one clip = 1/6 point), 1196 unlabeled at 1 shot.
BENCHMARK_PRESET: dict[str, Any] = dict(
    class_factors='paired', num_shapes=4, num_timbres=4, shapes=('circle', 'square', 'triangle', 'star'),
    timbres=('low_tone', 'high_tone', 'chirp', 'buzz'), distractor_shapes=('cross', 'diamond', 'ring', 'hexagon'),
    ambiguous_sound=0.5, ambiguous_timbre='noise', clean_labeled=True, train_per_class=300, val_per_class=30,
    test_per_class=150,
    object_size=_BENCHMARK_OBJECTS)
# The audio pretraining source set, the synthetic stand-in for AudioSet: 4 paired classes whose timbres are none of
# the benchmark's class timbres (its class-free noise is one of them, as AudioSet labels noise too), so no
# benchmark class is ever heard labelled during pretraining, and whose shapes are the benchmark's distractor shapes,
# so no benchmark class is ever seen labelled either; its own seed. The audio and the video encoders are pretrained
# on it, each alone (configs/synthetic/pretrain_source_audio.py, pretrain_source_video.py).
SOURCE_PRESET: dict[str, Any] = dict(
    class_factors='paired', num_shapes=4, num_timbres=4, shapes=('cross', 'diamond', 'ring', 'hexagon'),
    timbres=('noise', 'mid_tone', 'warble', 'bell'), distractor_shapes=('circle', 'square', 'triangle', 'star'),
    train_per_class=150, val_per_class=20, test_per_class=0, shots=(), seed=1000, object_size=_BENCHMARK_OBJECTS)
PRESETS: dict[str, dict[str, Any]] = {'gpu': GPU_PRESET, 'benchmark': BENCHMARK_PRESET, 'source': SOURCE_PRESET}


@dataclass(frozen=True)
class SyntheticAVConfig:
    """Parameters of a synthetic dataset (all of them enter the manifest).

    Attributes:
        num_shapes: Object factor: the first ``num_shapes`` of :data:`SHAPES` (2..8), or ``len(shapes)``.
        num_timbres: Sound factor: the first ``num_timbres`` of :data:`TIMBRES` (1..8), or
            ``len(timbres)``. Classes are ``shape x timbre``, label ``shape_idx * num_timbres + timbre_idx``.
        train_per_class: Training clips per class.
        val_per_class: Validation clips per class.
        test_per_class: Test clips per class.
        width: Frame width in pixels (even, >= 32).
        height: Frame height in pixels (even, >= 32).
        fps: Frames per second.
        duration: Clip length in seconds; ``num_frames = round(duration * fps)``.
        sample_rate: Audio sample rate (mono AAC), at least 8 kHz.
        num_distractors: Non-sounding objects per clip (shapes other than the source's).
        distractor_pulses: Distractors flash too, at times unrelated to the audio.
        shots: Labeled clips per class of the semi-supervised splits to write.
        seed: Master seed.
        shapes: Class shapes by name (a subset of :data:`SHAPES`), instead of the first ``num_shapes``;
            ``num_shapes`` must then equal its length. A pretraining *source* set names shapes that the
            target set's classes do not use.
        timbres: Class timbres by name, instead of the first ``num_timbres`` (same rule).
        distractor_shapes: Shapes distractors are drawn from (the source's own shape excluded); empty: the
            first four of :data:`SHAPES`.
        object_size: Range of an object's half-extent as a fraction of the frame's short side.
        class_factors: ``'product'``: classes are every ``shape x timbre`` pair, so the class needs both
            modalities. ``'paired'``: class ``k`` is ``(shapes[k], timbres[k])`` (``num_shapes ==
            num_timbres``), so either modality names it when it is informative, as in real footage where a
            class has both a look and a sound.
        ambiguous_sound: Probability that a clip's source sounds with ``ambiguous_timbre`` instead of its
            class's timbre: the sound still marks *when* the source flashes (localization works) but no
            longer *which* class it is, so the video has to name the class. Drawn per clip from its own
            random stream (a set with 0 is byte-identical to one made before the option existed).
        ambiguous_timbre: The class-free timbre of those clips (not a class timbre).
        pitch_spread: Every clip's source sounds at its own pitch, all frequencies of its timbre times
            ``pitch_spread ** u`` with u ~ U(-1, 1) from the clip's own random stream (1: the timbre's fixed
            pitches, byte-identical to sets made before the option). Within-class variety, as real sounds of a
            class differ: one labeled clip then shows a class at one pitch only.
        clean_labeled: Draw the labeled clips of the k-shot splits among the clips whose sound names the
            class (the exemplars an annotator would pick), so that no labeled clip teaches that the class-free
            noise is a class; the unlabeled lists keep every other training clip.
    """

    num_shapes: int = 3
    num_timbres: int = 2
    train_per_class: int = 40
    val_per_class: int = 10
    test_per_class: int = 10
    width: int = 112
    height: int = 112
    fps: int = 12
    duration: float = 2.5
    sample_rate: int = 16000
    num_distractors: int = 2
    distractor_pulses: bool = False
    shots: tuple[int, ...] = field(default=(1, 5))
    seed: int = 0
    shapes: tuple[str, ...] = ()
    timbres: tuple[str, ...] = ()
    distractor_shapes: tuple[str, ...] = ()
    object_size: tuple[float, float] = (0.08, 0.12)
    class_factors: str = 'product'
    ambiguous_sound: float = 0.0
    ambiguous_timbre: str = 'noise'
    clean_labeled: bool = False
    pitch_spread: float = 1.0

    def __post_init__(self) -> None:
        """Validate the values and normalise the sequences to tuples."""
        for name in ('shots', 'shapes', 'timbres', 'distractor_shapes', 'object_size'):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, 'shots', tuple(int(k) for k in self.shots))
        object.__setattr__(self, 'object_size', tuple(float(v) for v in self.object_size))
        names = [(self.shapes, self.num_shapes, SHAPES, 'shapes', 'num_shapes'),
                 (self.timbres, self.num_timbres, TIMBRES, 'timbres', 'num_timbres'),
                 (self.distractor_shapes, None, SHAPES, 'distractor_shapes', None)]
        for given, count, vocab, key, count_key in names:
            unknown = [n for n in given if n not in vocab]
            if unknown or len(set(given)) != len(given):
                raise ValueError(f'SyntheticAVConfig: {key} must be distinct names from {vocab}; got {given}')
            if given and count is not None and count != len(given):
                raise ValueError(f'SyntheticAVConfig: {count_key}={count} but {key} names {len(given)}: set '
                                 f'{count_key}={len(given)}')
        lo, hi = self.object_size
        checks = [
            (2 <= self.num_shapes <= len(SHAPES), f'num_shapes must be in 2..{len(SHAPES)}'),
            (0.02 <= lo <= hi <= 0.3, 'object_size must be (lo, hi) with 0.02 <= lo <= hi <= 0.3'),
            (len(self.distractor_pool) >= 2 or self.num_distractors == 0,
             'distractor_shapes needs at least 2 shapes (distractors differ from the source)'),
            (1 <= self.num_timbres <= len(TIMBRES), f'num_timbres must be in 1..{len(TIMBRES)}'),
            (self.class_factors in ('product', 'paired'), "class_factors must be 'product' or 'paired'"),
            (self.class_factors == 'product' or self.num_shapes == self.num_timbres,
             "class_factors='paired' needs num_shapes == num_timbres (class k = shape k with timbre k)"),
            (0.0 <= self.ambiguous_sound <= 1.0, 'ambiguous_sound must be a probability in [0, 1]'),
            (not self.ambiguous_sound
             or (self.ambiguous_timbre in TIMBRES and self.ambiguous_timbre not in self.class_timbres),
             f'ambiguous_timbre must be a timbre of {TIMBRES} that no class uses'),
            (self.train_per_class >= 1 and self.val_per_class >= 0 and self.test_per_class >= 0,
             'clips per class must be >= 1 (train) and >= 0 (val, test)'),
            (self.width % 2 == 0 and self.height % 2 == 0 and min(self.width, self.height) >= 32,
             'width and height must be even and >= 32 (H.264 4:2:0)'),
            (self.fps >= 4, 'fps must be >= 4'),
            (self.duration >= 1.0, 'duration must be >= 1 s (room for at least one event)'),
            (1.0 <= self.pitch_spread <= 2.0, 'pitch_spread must be in [1, 2] (at most an octave each way)'),
            (self.sample_rate > 2 * _MAX_FREQ_HZ * self.pitch_spread,
             f'sample_rate must exceed {2 * _MAX_FREQ_HZ:.0f} Hz x pitch_spread'),
            (self.num_distractors >= 0, 'num_distractors must be >= 0'),
            (all(1 <= k <= self.train_per_class for k in self.shots),
             f'every shot count must be in 1..train_per_class ({self.train_per_class})'),
        ]
        for ok, msg in checks:
            if not ok:
                raise ValueError(f'SyntheticAVConfig: {msg}; got {self}')

    @property
    def num_frames(self) -> int:
        """Frames per clip."""
        return int(round(self.duration * self.fps))

    @property
    def num_samples(self) -> int:
        """Audio samples per clip (the video's duration)."""
        return int(round(self.num_frames / self.fps * self.sample_rate))

    @property
    def class_shapes(self) -> tuple[str, ...]:
        """Shapes of the classes, in label order of the object factor."""
        return self.shapes or SHAPES[:self.num_shapes]

    @property
    def class_timbres(self) -> tuple[str, ...]:
        """Timbres of the classes, in label order of the sound factor."""
        return self.timbres or TIMBRES[:self.num_timbres]

    @property
    def distractor_pool(self) -> tuple[str, ...]:
        """Shapes distractors are drawn from."""
        return self.distractor_shapes or _CLASSIC_SHAPES

    def factors(self, label: int) -> tuple[str, str]:
        """``(shape, timbre)`` of class ``label``."""
        if self.class_factors == 'paired':
            return self.class_shapes[label], self.class_timbres[label]
        return self.class_shapes[label // self.num_timbres], self.class_timbres[label % self.num_timbres]

    @property
    def classes(self) -> list[str]:
        """Class names ``<shape>_<timbre>`` in label order."""
        if self.class_factors == 'paired':
            return [f'{s}_{t}' for s, t in zip(self.class_shapes, self.class_timbres)]
        return [f'{s}_{t}' for s in self.class_shapes for t in self.class_timbres]

    def clips_per_class(self, split: str) -> int:
        """Clips per class of ``split`` (``train``/``val``/``test``)."""
        return {'train': self.train_per_class, 'val': self.val_per_class, 'test': self.test_per_class}[split]


@dataclass(frozen=True)
class ClipSpec:
    """Identity of one clip; its random state is derived from ``(seed, split, label, index)``.

    Attributes:
        split: ``train``, ``val`` or ``test``.
        label: Class index.
        index: Clip number within its split and class.
    """

    split: str
    label: int
    index: int

    def relpath(self, cfg: SyntheticAVConfig) -> str:
        """Video path relative to the dataset root."""
        name = cfg.classes[self.label]
        return f'videos/{self.split}/{name}/{name}_{self.split}_{self.index:04d}.mp4'

    def rng(self, cfg: SyntheticAVConfig, stream: int = 0) -> np.random.Generator:
        """Random generator of this clip, independent of generation order and worker count.

        Args:
            cfg: Dataset parameters (their seed).
            stream: 0 for the clip's content; other values for draws added later (e.g. the ambiguous sound),
                so that adding an option does not shift the content of existing sets.
        """
        key = [cfg.seed, SPLITS.index(self.split), self.label, self.index]
        return np.random.default_rng(key + [stream] if stream else key)

    def pitch(self, cfg: SyntheticAVConfig) -> float:
        """Pitch factor of the source's sound, ``pitch_spread ** u`` with u ~ U(-1, 1) (1 without spread)."""
        return 1.0 if cfg.pitch_spread == 1 else float(cfg.pitch_spread ** self.rng(cfg, stream=2).uniform(-1, 1))

    def sound_names_class(self, cfg: SyntheticAVConfig) -> bool:
        """Whether the source sounds with its class's timbre (False: with ``cfg.ambiguous_timbre``)."""
        return not cfg.ambiguous_sound or bool(self.rng(cfg, stream=1).uniform() >= cfg.ambiguous_sound)


@dataclass
class RenderedClip:
    """Pixels, waveform and ground truth of one clip.

    Attributes:
        frames: uint8 (T, H, W, 3) RGB.
        audio: float32 (N,) mono waveform in [-1, 1], N = ``cfg.num_samples``.
        source_boxes: float (T, 4) ``[x1, y1, x2, y2]`` of the sounding object per frame, continuous
            pixel coordinates ((0, 0) = top-left corner of the image), clipped to the frame.
        source_onsets: Frame indices of the sound events (audio bursts start at ``frame / fps``).
        distractors: Per distractor ``{'shape', 'boxes' (T, 4), 'onsets'}``.
        timbre: The timbre the source sounds with (its class's, or the set's ambiguous one).
        pitch: Pitch factor of the source's sound (:meth:`ClipSpec.pitch`; 1 without ``pitch_spread``).
    """

    frames: np.ndarray
    audio: np.ndarray
    source_boxes: np.ndarray
    source_onsets: list[int]
    distractors: list[dict[str, Any]]
    timbre: str
    pitch: float = 1.0


def _onset_frames(rng: np.random.Generator, cfg: SyntheticAVConfig, avoid: Sequence[int] = ()) -> list[int]:
    """Event frames with random gaps; frames within 2 of any ``avoid`` frame are skipped."""
    last = cfg.num_frames - int(np.ceil(_BURST_S * cfg.fps))
    t = rng.uniform(0.1, 0.4)
    frames: list[int] = []
    while True:
        f = int(round(t * cfg.fps))
        if f > last:
            break
        if all(abs(f - a) > 2 for a in avoid) and (not frames or f > frames[-1]):
            frames.append(f)
        t += rng.uniform(_MIN_GAP_S, _MAX_GAP_S)
    return frames or [min(2, last)]


def _pulse(dt: np.ndarray) -> np.ndarray:
    """One event's envelope at ``dt`` seconds after its onset: 5 ms attack, exponential decay, 0 outside."""
    inside = (dt >= 0) & (dt < _BURST_S)
    dt = np.clip(dt, 0, None)
    return np.where(inside, np.minimum(dt / _ATTACK_S, 1.0) * np.exp(-dt / _DECAY_S), 0.0)


def _envelope(times: np.ndarray, onsets_s: Sequence[float]) -> np.ndarray:
    """Sum of the event pulses starting at ``onsets_s``, clipped to 1; shape of ``times``."""
    env = sum((_pulse(times - o) for o in onsets_s), np.zeros_like(times))
    return np.minimum(env, 1.0)


def _timbre(name: str, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Carrier waveform of a timbre at times ``t`` (seconds since the burst onset), unit RMS."""
    if name == 'low_tone':
        x = np.sin(2 * np.pi * 300 * t) + 0.5 * np.sin(2 * np.pi * 600 * t)
    elif name == 'high_tone':
        x = np.sin(2 * np.pi * 1800 * t) + 0.3 * np.sin(2 * np.pi * 3600 * t)
    elif name == 'noise':
        x = rng.standard_normal(t.shape)
    elif name == 'chirp':
        x = np.sin(2 * np.pi * (500 * t + 0.5 * (3000 - 500) / _BURST_S * t**2))
    elif name == 'buzz':  # band-limited sawtooth at 220 Hz (harmonics up to 3.3 kHz)
        x = sum(np.sin(2 * np.pi * 220 * k * t) / k for k in range(1, 16))
    elif name == 'mid_tone':
        x = np.sin(2 * np.pi * 900 * t) + 0.4 * np.sin(2 * np.pi * 1800 * t)
    elif name == 'warble':  # 1.2 kHz, frequency-modulated +-300 Hz at 8 Hz
        x = np.sin(2 * np.pi * 1200 * t + 300 / 8 * np.sin(2 * np.pi * 8 * t))
    elif name == 'bell':  # inharmonic partials, the higher ones decaying faster
        x = sum(a * np.exp(-t / d) * np.sin(2 * np.pi * f * t)
                for f, a, d in ((700, 1.0, 0.3), (1930, 0.6, 0.12), (2870, 0.4, 0.06)))
    else:
        raise ValueError(f'unknown timbre {name!r}; choose from {TIMBRES}')
    return x / np.sqrt(np.mean(x**2))


def _shape_mask(shape: str, dx: np.ndarray, dy: np.ndarray, s: float) -> np.ndarray:
    """Boolean mask of a shape of half-extent ``s`` at offsets ``dx``, ``dy`` from its centre."""
    inside = (np.abs(dx) <= s) & (np.abs(dy) <= s)
    if shape == 'circle':
        return dx**2 + dy**2 <= s**2
    if shape == 'square':
        return inside
    if shape == 'triangle':
        return inside & (np.abs(dx) <= (dy + s) / 2)
    if shape == 'cross':
        return inside & ((np.abs(dx) <= s / 3) | (np.abs(dy) <= s / 3))
    if shape == 'diamond':
        return np.abs(dx) + np.abs(dy) <= s
    r2 = dx**2 + dy**2
    if shape == 'ring':
        return (r2 <= s**2) & (r2 >= (0.55 * s)**2)
    if shape == 'hexagon':  # circumradius s, corners left and right
        return (np.abs(dy) <= s * np.sqrt(3) / 2) & (np.sqrt(3) * np.abs(dx) + np.abs(dy) <= np.sqrt(3) * s)
    if shape == 'star':  # five rounded points
        return np.sqrt(r2) <= s * (0.6 + 0.4 * np.cos(5 * np.arctan2(dy, dx)))
    raise ValueError(f'unknown shape {shape!r}; choose from {SHAPES}')


def _trajectory(rng: np.random.Generator, cfg: SyntheticAVConfig, half: float) -> np.ndarray:
    """Centres (T, 2) of an object bouncing off the walls; ``half`` = its largest half-extent."""
    size = min(cfg.width, cfg.height)
    lo, hi = np.array([half, half]), np.array([cfg.width - half, cfg.height - half])
    pos = rng.uniform(lo, hi)
    angle = rng.uniform(0, 2 * np.pi)
    vel = rng.uniform(0.15, 0.35) * size / cfg.fps * np.array([np.cos(angle), np.sin(angle)])
    out = np.empty((cfg.num_frames, 2))
    for i in range(cfg.num_frames):
        out[i] = pos
        pos = pos + vel
        for d in range(2):
            if not lo[d] <= pos[d] <= hi[d]:
                vel[d] = -vel[d]
                pos[d] = np.clip(pos[d], lo[d], hi[d])
    return out


def render_clip(cfg: SyntheticAVConfig, spec: ClipSpec) -> RenderedClip:
    """Render the frames, waveform and ground truth of one clip.

    Args:
        cfg: Dataset parameters.
        spec: Which clip.

    Returns:
        The rendered clip; a pure function of ``(cfg, spec)``.
    """
    rng = spec.rng(cfg)
    shape, timbre = cfg.factors(spec.label)
    if not spec.sound_names_class(cfg):
        timbre = cfg.ambiguous_timbre
    pitch = spec.pitch(cfg)
    size = min(cfg.width, cfg.height)
    times = np.arange(cfg.num_frames) / cfg.fps

    objects = []  # (shape, onsets, is_source); drawn in order, the source last so it is never occluded
    source_onsets = _onset_frames(rng, cfg)
    others = [s for s in cfg.distractor_pool if s != shape]
    for _ in range(cfg.num_distractors):
        onsets = _onset_frames(rng, cfg, avoid=source_onsets) if cfg.distractor_pulses else []
        objects.append((others[rng.integers(len(others))], onsets, False))
    objects.append((shape, source_onsets, True))

    frames = np.empty((cfg.num_frames, cfg.height, cfg.width, 3), np.uint8)
    frames[:] = rng.integers(10, 50, size=3, dtype=np.uint8)
    ys, xs = np.mgrid[0:cfg.height, 0:cfg.width] + 0.5
    boxes_all, gt = [], []
    for obj_shape, onsets, is_source in objects:
        half = rng.uniform(*cfg.object_size) * size
        centres = _trajectory(rng, cfg, half * (1 + _PULSE_GROW))
        colour = rng.uniform(90, 200, size=3)
        colour[rng.integers(3)] = rng.uniform(0, 40)  # saturated, never near-white, so a flash stands out
        # Sampled at the end of the attack, so the flash peaks in the frame where the burst starts.
        env = _envelope(times + _ATTACK_S, [f / cfg.fps for f in onsets])
        boxes = np.empty((cfg.num_frames, 4))
        for i in range(cfg.num_frames):
            s = half * (1 + _PULSE_GROW * env[i])
            cx, cy = centres[i]
            mask = _shape_mask(obj_shape, xs - cx, ys - cy, s)
            frames[i][mask] = np.round(colour + (255 - colour) * _PULSE_WHITEN * env[i]).astype(np.uint8)
            boxes[i] = [max(cx - s, 0), max(cy - s, 0), min(cx + s, cfg.width), min(cy + s, cfg.height)]
        boxes_all.append(np.round(boxes, 2))
        gt.append({'shape': obj_shape, 'boxes': boxes_all[-1], 'onsets': list(onsets), 'source': is_source})

    audio = _NOISE_RMS * rng.standard_normal(cfg.num_samples)
    t_burst = np.arange(int(_BURST_S * cfg.sample_rate)) / cfg.sample_rate
    for f in source_onsets:
        start = int(round(f / cfg.fps * cfg.sample_rate))
        # the carrier on a time axis scaled by the clip's pitch factor: every frequency of the timbre shifts
        burst = _BURST_RMS * _pulse(t_burst) * _timbre(timbre, t_burst * pitch, rng)
        n = min(len(burst), cfg.num_samples - start)
        audio[start:start + n] += burst[:n]
    return RenderedClip(frames=frames, audio=np.clip(audio, -1, 1).astype(np.float32),
                        source_boxes=gt[-1]['boxes'], source_onsets=list(source_onsets),
                        distractors=[{k: d[k] for k in ('shape', 'boxes', 'onsets')} for d in gt[:-1]],
                        timbre=timbre, pitch=pitch)


def write_av_file(path: str | os.PathLike, frames: np.ndarray, audio: np.ndarray | None, fps: int,
                  sample_rate: int) -> None:
    """Write an H.264 (+ AAC mono) ``.mp4`` with PyAV, audio aligned to the video.

    The first audio frame is given ``pts=0`` explicitly: FFmpeg then records the AAC encoder delay (1024
    priming samples) in the file, so readers drop it and sample ``n`` of ``audio`` plays at ``n /
    sample_rate`` s. Without a pts the priming samples play first and the audio arrives 64 ms late at
    16 kHz (FFmpeg's 1024-sample AAC encoder delay); ``tests/datasets/test_synthetic.py`` checks the alignment by decoding.

    Args:
        path: Destination file (overwritten).
        frames: uint8 (T, H, W, 3) RGB, H and W even.
        audio: float32 (N,) mono in [-1, 1], or None for a file without an audio stream.
        fps: Frame rate.
        sample_rate: Audio sample rate.
    """
    with av.open(str(path), 'w', format='mp4') as out:
        vstream = out.add_stream('libx264', rate=fps)
        vstream.width, vstream.height = frames.shape[2], frames.shape[1]
        vstream.pix_fmt = 'yuv420p'
        vstream.codec_context.thread_count = 1  # one thread: byte-identical output across machines/runs
        vstream.options = {'preset': 'ultrafast', 'crf': '18'}
        astream = None
        if audio is not None:
            astream = out.add_stream('aac', rate=sample_rate)
            astream.layout = 'mono'
            astream.bit_rate = 96000
        for img in frames:
            out.mux(vstream.encode(av.VideoFrame.from_ndarray(img, format='rgb24')))
        out.mux(vstream.encode(None))
        if astream is not None:
            aframe = av.AudioFrame.from_ndarray(audio[None].astype(np.float32), format='fltp', layout='mono')
            aframe.sample_rate = sample_rate
            aframe.pts = 0
            out.mux(astream.encode(aframe))
            out.mux(astream.encode(None))


def _sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def _make_clip(args: tuple[SyntheticAVConfig, ClipSpec, str]) -> tuple[str, dict[str, Any]]:
    """Worker: render and write one clip, return its relative path and ground truth."""
    cfg, spec, root = args
    clip = render_clip(cfg, spec)
    rel = spec.relpath(cfg)
    dest = Path(root) / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_av_file(dest, clip.frames, clip.audio, cfg.fps, cfg.sample_rate)
    return rel, {
        'split': spec.split,
        'label': spec.label,
        'shape': cfg.factors(spec.label)[0],
        'timbre': cfg.factors(spec.label)[1],
        'sound_timbre': clip.timbre,
        'sound_names_class': clip.timbre == cfg.factors(spec.label)[1],
        **({'sound_pitch': round(clip.pitch, 4)} if cfg.pitch_spread != 1 else {}),
        'source_boxes': clip.source_boxes.tolist(),
        'source_onsets': clip.source_onsets,
        'distractors': [dict(d, boxes=d['boxes'].tolist()) for d in clip.distractors],
    }


# Options added after sets were published, with the value that reproduces those sets: left out of the manifest
# at that value, so a set made before the option existed is still recognised as the same set.
_LATER_OPTIONS = {'pitch_spread': 1.0}


def _params(cfg: SyntheticAVConfig) -> dict[str, Any]:
    """JSON-comparable parameters of a config."""
    params = json.loads(json.dumps(dataclasses.asdict(cfg)))
    return {k: v for k, v in params.items() if k not in _LATER_OPTIONS or v != _LATER_OPTIONS[k]}


def dataset_problem(root: str | os.PathLike, cfg: SyntheticAVConfig | None = None) -> str | None:
    """Why ``root`` is not a finished dataset (of ``cfg``, when given), naming the first bad file; None if it is.

    Args:
        root: Dataset folder.
        cfg: Expected parameters; None accepts any.

    Returns:
        None when the manifest exists, its parameters equal ``cfg``'s and every listed file has the recorded
        SHA-256; otherwise one sentence, e.g. ``'videos/train/.../x.mp4 differs from the manifest (corrupted
        or edited)'``.
    """
    root = Path(root)
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError):
        return f'{root / MANIFEST} is missing or unreadable (an unfinished set)'
    if manifest.get('format_version') != FORMAT_VERSION:
        return f'{root / MANIFEST} has format version {manifest.get("format_version")}, not {FORMAT_VERSION}'
    if cfg is not None and manifest.get('params') != _params(cfg):
        return f'{root} was made with other parameters'
    for rel, sha in manifest['files'].items():
        if not (root / rel).is_file():
            return f'{root / rel} is missing'
        if _sha256(root / rel) != sha:
            return f'{root / rel} differs from the manifest (corrupted or edited)'
    return None


def verify_dataset(root: str | os.PathLike, cfg: SyntheticAVConfig | None = None) -> bool:
    """Whether ``root`` holds a finished dataset (of ``cfg``, when given) whose files match the manifest.

    Args:
        root: Dataset folder.
        cfg: Expected parameters; None accepts any.

    Returns:
        ``dataset_problem(root, cfg) is None``.
    """
    return dataset_problem(root, cfg) is None


def generate_dataset(root: str | os.PathLike, cfg: SyntheticAVConfig = SyntheticAVConfig(), workers: int = 1,
                     overwrite: bool = False,
                     progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Generate (or reuse) a synthetic dataset under ``root``.

    An existing finished dataset with the same parameters and intact files is reused as is. Any other
    non-empty ``root`` is refused unless ``overwrite``; overwriting rewrites the generator's own files and
    deletes only files listed in the old manifest that the new set no longer has (nothing else in
    ``root`` is touched).

    Args:
        root: Dataset folder (created).
        cfg: Parameters.
        workers: Processes rendering/encoding in parallel (output does not depend on it).
        overwrite: Replace a different or unfinished dataset in ``root``.
        progress: Called as ``progress(done, total)`` after every clip written (not when a set is reused).

    Returns:
        The manifest: ``{'format_version', 'params', 'files': {relpath: sha256}, 'content_hash',
        'reused': bool}`` (``reused`` is not stored).

    Raises:
        FileExistsError: ``root`` is non-empty, not an identical finished set, and ``overwrite`` is False.
    """
    root = Path(root)
    problem = dataset_problem(root, cfg)
    if problem is None:
        manifest = json.loads((root / MANIFEST).read_text())
        return dict(manifest, reused=True)
    if root.exists() and any(root.iterdir()) and not overwrite:
        raise FileExistsError(f'{root} is not empty and does not hold a finished synthetic dataset with these '
                              f'parameters ({problem}); choose another folder or pass --overwrite '
                              '(overwrite=True)')
    old_files: dict[str, str] = {}
    if (root / MANIFEST).is_file():
        try:
            old_files = json.loads((root / MANIFEST).read_text()).get('files', {})
        except ValueError:
            old_files = {}
        (root / MANIFEST).unlink()  # the set is unfinished from here until the new manifest is written
    root.mkdir(parents=True, exist_ok=True)

    specs = [ClipSpec(split, label, i) for split in SPLITS for label in range(len(cfg.classes))
             for i in range(cfg.clips_per_class(split))]
    jobs = [(cfg, spec, str(root)) for spec in specs]
    videos: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        if workers > 1:
            processes = stack.enter_context(multiprocessing.get_context('spawn').Pool(workers))
            results = processes.imap(_make_clip, jobs, chunksize=4)
        else:
            results = map(_make_clip, jobs)
        for rel, gt in results:
            videos[rel] = gt
            if progress is not None:
                progress(len(videos), len(jobs))

    lists = {split: [VideoEntry(spec.relpath(cfg), spec.label) for spec in specs if spec.split == split]
             for split in SPLITS}
    outputs = {'train_all.txt': lists['train'], 'val.txt': lists['val'], 'test.txt': lists['test']}
    named = {spec.relpath(cfg) for spec in specs if spec.split == 'train' and spec.sound_names_class(cfg)}
    pool = [e for e in lists['train'] if e.path in named] if cfg.clean_labeled else lists['train']
    for k in cfg.shots:
        labeled, _ = draw_labeled_split(pool, k, cfg.seed)
        chosen = {e.path for e in labeled}
        unlabeled = [e for e in sorted(lists['train'], key=lambda e: (e.label, e.path)) if e.path not in chosen]
        outputs[f'train_labeled_{k}shot.txt'] = labeled
        outputs[f'train_unlabeled_{k}shot.txt'] = unlabeled
    for name, entries in outputs.items():
        write_list(entries, root / name)
    (root / 'classes.txt').write_text(''.join(f'{c}\n' for c in cfg.classes))
    annotations = {'width': cfg.width, 'height': cfg.height, 'fps': cfg.fps, 'num_frames': cfg.num_frames,
                   'sample_rate': cfg.sample_rate, 'box_format': 'xyxy_pixels', 'classes': cfg.classes,
                   'videos': videos}
    (root / 'annotations.json').write_text(json.dumps(annotations))

    files = {rel: _sha256(root / rel) for rel in
             sorted([*videos, *outputs, 'classes.txt', 'annotations.json'])}
    for stale in set(old_files) - set(files):
        (root / stale).unlink(missing_ok=True)
    content_hash = hashlib.sha256(''.join(f'{r} {s}\n' for r, s in files.items()).encode()).hexdigest()
    manifest = {'format_version': FORMAT_VERSION, 'params': _params(cfg), 'files': files,
                'content_hash': content_hash}
    tmp = root / f'.{MANIFEST}.tmp'
    tmp.write_text(json.dumps(manifest, indent=1))
    os.replace(tmp, root / MANIFEST)
    return dict(manifest, reused=False)


def load_annotations(root: str | os.PathLike) -> dict[str, Any]:
    """Load a dataset's ground truth.

    Args:
        root: Dataset folder.

    Returns:
        ``{'width', 'height', 'fps', 'num_frames', 'sample_rate', 'box_format', 'classes', 'videos'}``
        where ``videos[relpath]`` has ``split``, ``label``, ``shape``, ``timbre``, ``source_boxes``
        (T lists ``[x1, y1, x2, y2]`` in pixels), ``source_onsets`` (frame indices; the audio burst
        starts at ``frame / fps`` s), ``sound_timbre`` (what the source sounds with),
        ``sound_names_class`` (whether that is the class's timbre) and ``distractors`` (list of ``{'shape', 'boxes', 'onsets'}``).
    """
    path = Path(root) / 'annotations.json'
    if not path.is_file():
        raise FileNotFoundError(f'{path} not found; generate the dataset with tools/data/synthetic/generate.py')
    return json.loads(path.read_text())
