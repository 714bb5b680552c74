"""Time one semi-supervised training step with TubeToken and with ASL-guided mixing, side by side in one run.

The model of CONFIG (a ``SemiSupervisedAVRecognizer`` with a localizer) is built with random weights (no
checkpoint is loaded) and trained on one fixed batch of random tensors of the shapes the config's pipelines
produce (no dataset): frames (T, H, W) and fbank (L, M) from the recognizer's backbones, the localizer
spectrogram from the strong pipeline's ``LocAudioWindow`` + ``FNACSpectrogram``, labeled / unlabeled clips from
the ``LabeledUnlabeledSampler``. One step is ``model.train_step``: data preprocessor, teacher, student, mixing,
losses, backward and optimizer step (the EMA teacher update of ``EMATeacherHook`` is not in it; the per-term
gradient norms of ``grad_norm_interval`` are switched off). The arms (each mixer; ASL once per localizer map
pass in ``--map-passes``) run interleaved, in an order rotated every iteration, so a load that drifts on a busy
machine hits every arm alike. The localizer's pass alone is timed in the same loop.

Peak memory: on CUDA ``torch.cuda.max_memory_allocated`` per arm; on CPU the process's peak resident set
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``), a high-water mark, read after building the model and batch and
after each arm's warm-up steps (arms in the order given, so an arm's figure is the peak of it and the arms
before it). ``--sweep`` runs every point in a fresh process so that its peak is its own.

Examples::

    # the synthetic size (configs/synthetic/), reference localizer pass against the default one
    python tools/analysis/benchmark_step.py configs/synthetic/asl_1shot.py --iters 30 --map-passes reference config
    # paper size (ViT-B 8 x 224^2, FNAC ResNet-18 at 224) with 1 labeled + 2 unlabeled clips on the CPU
    python tools/analysis/benchmark_step.py configs/ucf51_asl_1shot.py --iters 3 --labeled 1 --unlabeled 2
    # what each map-pass switch buys (localizer pass alone and ASL step)
    python tools/analysis/benchmark_step.py configs/synthetic/asl_1shot.py --map-passes reference \\
        reference+fold_bn reference+fold_bn+channels_last config config+cpu_bf16
    # cost curves: frames, resolution, batch (docs/benchmarks.md)
    python tools/analysis/benchmark_step.py configs/synthetic/asl_1shot.py --sweep --iters 5 --plot curves.png
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

os.environ.setdefault('HF_HUB_OFFLINE', '1')

import torch  # noqa: E402
from mmaction.structures import ActionDataSample  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402

from mmavssl.utils.cli import HelpFormatter  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from mmavssl.models.localizers.fnac import REFERENCE_MAP_PASS, map_pass_settings  # noqa: E402
from mmavssl.models.utils.flops import without_checkpoints  # noqa: E402
from mmavssl.registry import MODELS, TRANSFORMS  # noqa: E402

# Sweep of docs/benchmarks.md: one factor at a time from 8 frames at 112^2 and 1 + 5 clips. The localizer sees
# the recognizer's frames as in configs/synthetic/ (input_size = frame size), so its map grows with them.
SWEEP_BASE = dict(frames=8, size=112, labeled=1, unlabeled=5)
SWEEP_POINTS = [dict(SWEEP_BASE), dict(SWEEP_BASE, frames=16), dict(SWEEP_BASE, size=224),
                dict(SWEEP_BASE, labeled=2, unlabeled=10), dict(SWEEP_BASE, labeled=4, unlabeled=20)]


@dataclass
class StepShapes:
    """Shapes of one semi-supervised batch.

    Attributes:
        frames: T of every clip.
        size: H = W of every frame.
        fbank: (L, M) fbank of every clip, or None for a video-only recognizer.
        loc: (F, S) localizer spectrogram of every strong clip, or None without a localizer.
        labeled: Labeled clips (``sup``).
        unlabeled: Unlabeled clips (``unsup_weak`` and ``unsup_strong``).
        num_classes: Classes of the head.
        num_unlabeled: FlexMatch state size (sample indices are drawn below it): the config's, or the unlabeled
            clips of one batch when the config sizes it from the unlabeled list (``num_unlabeled=None``).
    """

    frames: int
    size: int
    fbank: Optional[Tuple[int, int]]
    loc: Optional[Tuple[int, int]]
    labeled: int
    unlabeled: int
    num_classes: int
    num_unlabeled: int


def _find_transforms(node: Any, type_name: str) -> Iterator[dict]:
    """Every dict with ``type == type_name`` inside a nested config."""
    if isinstance(node, dict):
        if node.get('type') == type_name:
            yield node
        for value in node.values():
            yield from _find_transforms(value, type_name)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _find_transforms(value, type_name)


def loc_spectrogram_shape(cfg: Config) -> Tuple[int, int]:
    """(F, S) of the localizer spectrogram, by running the strong pipeline's window + spectrogram on silence.

    Args:
        cfg: Config whose ``train_dataloader`` holds ``LocAudioWindow`` and ``FNACSpectrogram``.

    Returns:
        (F, S).

    Raises:
        ValueError: If the training pipelines lack either transform.
    """
    loader = cfg.get('train_dataloader', {})
    window = next(_find_transforms(loader, 'LocAudioWindow'), None)
    spec = next(_find_transforms(loader, 'FNACSpectrogram'), None)
    if window is None or spec is None:
        raise ValueError('the localizer needs LocAudioWindow and FNACSpectrogram in the training pipeline; '
                         'none found in train_dataloader.')
    rate = 16000
    results = dict(audio=np.zeros(10 * rate, np.float32), audio_sample_rate=rate, frame_inds=np.arange(8) * 8 + 80,
                   avg_fps=25.0)
    for transform in (window, spec):
        results = TRANSFORMS.build(dict(transform))(results)
    return tuple(results['loc_audios'].shape[-2:])


def step_shapes(cfg: Config, labeled: Optional[int] = None, unlabeled: Optional[int] = None) -> StepShapes:
    """The batch shapes of a semi-supervised config.

    Args:
        cfg: Config with a ``SemiSupervisedAVRecognizer`` model.
        labeled: Labeled clips (default: the sampler's ``batch_size / (1 + mu)``).
        unlabeled: Unlabeled clips (default: the rest of the sampler's batch).

    Returns:
        The shapes.
    """
    model = cfg.model
    video = model.recognizer.video_backbone
    audio = model.recognizer.get('audio_backbone')
    sampler = cfg.train_dataloader.sampler
    default_labeled = sampler.batch_size // (1 + sampler.mu)
    labeled = default_labeled if labeled is None else labeled
    unlabeled = sampler.batch_size - default_labeled if unlabeled is None else unlabeled
    return StepShapes(
        frames=video.num_frames, size=video.img_size,
        fbank=None if audio is None else (audio.input_length, audio.num_mel_bins),
        loc=loc_spectrogram_shape(cfg) if model.get('localizer') else None, labeled=labeled, unlabeled=unlabeled,
        num_classes=model.recognizer.cls_head.num_classes, num_unlabeled=model.threshold.num_unlabeled or unlabeled)


def make_batch(shapes: StepShapes, seed: int = 0) -> dict:
    """A collated ``MultiBranchAV`` batch of random clips, as ``multi_branch_collate`` gives the preprocessor.

    Args:
        shapes: Batch shapes.
        seed: Seed of the random contents.

    Returns:
        ``{'inputs': {branch: [per-sample dict]}, 'data_samples': {branch: [ActionDataSample]}}`` with uint8
        frames (1, 3, T, H, W), fbanks (1, L, M) and, in ``unsup_strong``, spectrograms (1, 1, F, S).
    """
    gen = torch.Generator().manual_seed(seed)

    def sample(with_loc: bool) -> dict:
        out = dict(imgs=torch.randint(0, 256, (1, 3, shapes.frames, shapes.size, shapes.size), generator=gen,
                                      dtype=torch.uint8))
        if shapes.fbank is not None:
            out['audios'] = torch.randn(1, *shapes.fbank, generator=gen)
        if with_loc and shapes.loc is not None:
            # FNACSpectrogram's range: log power / 12, mostly in [-2, 0]
            out['loc_audios'] = -torch.rand(1, 1, *shapes.loc, generator=gen) * 2
        return out

    labels = torch.randint(0, shapes.num_classes, (shapes.labeled + shapes.unlabeled, ), generator=gen)
    sup = [ActionDataSample().set_gt_label(int(labels[i])) for i in range(shapes.labeled)]
    unsup = []
    for i in range(shapes.unlabeled):
        ds = ActionDataSample().set_gt_label(int(labels[shapes.labeled + i]))
        ds.set_metainfo(dict(sample_idx=i % shapes.num_unlabeled, audio_valid=True))
        unsup.append(ds)
    return dict(inputs=dict(sup=[sample(False) for _ in sup], unsup_weak=[sample(False) for _ in unsup],
                            unsup_strong=[sample(True) for _ in unsup]),
                data_samples=dict(sup=sup, unsup_weak=unsup, unsup_strong=[ds.clone() for ds in unsup]))


def map_pass_variant(name: str, config_pass: Dict[str, Any]) -> Dict[str, Any]:
    """Localizer map-pass settings named ``BASE[+switch...]``.

    Args:
        name: ``config`` (the config's settings) or ``reference`` (all switches off), each optionally followed
            by ``+switch`` to turn switches on, e.g. ``reference+fold_bn``, ``config+compile``.
        config_pass: The config's settings.

    Returns:
        Complete settings.
    """
    base, *switches = name.split('+')
    if base not in ('config', 'reference'):
        raise ValueError(f"map pass '{name}' must start with 'config' or 'reference'.")
    settings = dict(config_pass if base == 'config' else REFERENCE_MAP_PASS)
    return map_pass_settings({**settings, **{s: True for s in switches}})


@dataclass
class Arm:
    """One timed variant of the step.

    Attributes:
        name: Label, e.g. ``ASLGuidedMixup[config]``.
        mixer: The mixer module.
        map_pass: Localizer settings (None for a map-free mixer).
    """

    name: str
    mixer: nn.Module
    map_pass: Optional[Dict[str, Any]]


def build_arms(cfg: Config, mixers: Sequence[str], map_passes: Sequence[str],
               config_pass: Dict[str, Any]) -> List[Arm]:
    """One arm per map-free mixer and one per (map mixer, map pass); the config's mixer keeps its settings."""
    arms = []
    for name in mixers:
        mixer_cfg = dict(cfg.model.mixer) if cfg.model.mixer.type == name else dict(type=name)
        mixer = MODELS.build(mixer_cfg)
        if getattr(mixer, 'requires_maps', False):
            arms += [Arm(f'{name}[{p}]', mixer, map_pass_variant(p, config_pass)) for p in map_passes]
        else:
            arms.append(Arm(name, mixer, None))
    return arms


def peak_memory_mib(device: torch.device) -> float:
    """CUDA: peak allocated since the last reset; CPU: the process's peak resident set, MiB."""
    if device.type == 'cuda':
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def run(cfg: Config, shapes: StepShapes, mixers: Sequence[str], map_passes: Sequence[str],
        localizer_passes: Sequence[str], iters: int, warmup: int, device: torch.device) -> Dict[str, Any]:
    """Build, warm up and time every arm and every map pass alone.

    Args:
        cfg: Semi-supervised config.
        shapes: Batch shapes.
        mixers: Mixer type names.
        map_passes: Map-pass variant names (see :func:`map_pass_variant`) of the map mixers' steps.
        localizer_passes: Map-pass variant names timed alone and compared with the reference pass.
        iters: Timed iterations (each runs every arm once).
        warmup: Untimed steps per arm first.
        device: Device.

    Returns:
        ``{'shapes', 'device', 'steps': {arm: [s]}, 'localizer': {pass: [s]}, 'memory_mib': {...},
        'gflops': {arm: GFLOPs of one step}, 'localizer_gflops': {pass: GFLOPs of one map pass}}``.
    """
    init_default_scope('mmavssl')
    model_cfg = without_checkpoints(cfg.model.to_dict())
    # one step without the gradient-norm diagnostics, which cost an extra backward pass per loss term
    model_cfg.setdefault('semi_train_cfg', {})['grad_norm_interval'] = 0
    if 'num_unlabeled' in model_cfg['threshold']:  # no training loop sizes it from a list here
        model_cfg['threshold']['num_unlabeled'] = shapes.num_unlabeled
    model = MODELS.build(model_cfg).to(device)
    model.train()
    optim_cfg = dict(cfg.optim_wrapper)
    if device.type != 'cuda' and optim_cfg.get('type') == 'AmpOptimWrapper':
        optim_cfg = dict(optim_cfg, type='OptimWrapper')
        optim_cfg.pop('dtype', None)
    optim_wrapper = build_optim_wrapper(model, optim_cfg)
    data = make_batch(shapes)
    localizer = model.localizer
    config_pass = dict(localizer.map_pass) if localizer is not None else {}
    arms = build_arms(cfg, mixers, map_passes, config_pass)
    strong = model.data_preprocessor(data, True)['inputs']['unsup_strong']
    loc_inputs = (strong['imgs'][:, 0], strong['loc_audios'][:, 0]) if 'loc_audios' in strong else None
    memory = dict(built=peak_memory_mib(device))

    def step(arm: Arm) -> float:
        model.mixer = arm.mixer
        if arm.map_pass is not None:
            localizer.map_pass = arm.map_pass
        _sync(device)
        start = time.perf_counter()
        model.train_step(data, optim_wrapper)
        _sync(device)
        return time.perf_counter() - start

    def localize(settings: Dict[str, Any]) -> float:
        localizer.map_pass = settings
        _sync(device)
        start = time.perf_counter()
        localizer.localize(*loc_inputs)
        _sync(device)
        return time.perf_counter() - start

    passes = {p: map_pass_variant(p, config_pass) for p in localizer_passes} if loc_inputs is not None else {}
    for arm in arms:
        if device.type == 'cuda':
            torch.cuda.reset_peak_memory_stats(device)
        for _ in range(warmup):
            step(arm)
        memory[arm.name] = peak_memory_mib(device)
    # one untimed step per arm (and one map pass per timed pass) under torch's FLOP counter
    flops = {arm.name: count_gflops(lambda arm=arm: step(arm)) for arm in arms}
    loc_flops = {name: count_gflops(lambda settings=settings: localize(settings)) for name, settings in passes.items()}
    for settings in passes.values():
        for _ in range(warmup):
            localize(settings)
    steps: Dict[str, List[float]] = {arm.name: [] for arm in arms}
    alone: Dict[str, List[float]] = {p: [] for p in passes}
    for i in range(iters):
        for k in range(len(arms)):
            arm = arms[(i + k) % len(arms)]
            steps[arm.name].append(step(arm))
        names = list(passes)
        for k in range(len(names)):
            name = names[(i + k) % len(names)]
            alone[name].append(localize(passes[name]))
    map_arm = next((arm for arm in arms if arm.map_pass is not None), None)
    agreement = {}
    if map_arm is not None:
        grid = tuple(model.student.video_backbone.token_grid(*loc_inputs[0].shape[2:]))
        agreement = map_agreement(localizer, map_arm.mixer, grid, loc_inputs, passes)
    return dict(shapes=asdict(shapes), device=str(device), threads=torch.get_num_threads(), steps=steps,
                localizer=alone, memory_mib=memory, agreement=agreement, gflops=flops, localizer_gflops=loc_flops)


def count_gflops(fn: Callable[[], Any]) -> float:
    """GFLOPs that ``fn()`` runs, as ``torch.utils.flop_counter`` counts them (a multiply-add is 2 FLOPs;
    convolutions and matrix products only, forward and backward)."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops() / 1e9


def map_agreement(localizer: nn.Module, mixer: nn.Module, grid: Tuple[int, int, int],
                  loc_inputs: Tuple[torch.Tensor, torch.Tensor], passes: Dict[str, Dict[str, Any]],
                  seeds: int = 20) -> Dict[str, Dict[str, float]]:
    """How far each map pass is from the reference pass, in maps and in the masks drawn from them.

    Args:
        localizer: The localizer.
        mixer: A map mixer (``ASLGuidedMixup``).
        grid: Token grid (T', h, w).
        loc_inputs: Clips (B, C, T, H, W) and spectrograms (B, 1, F, S).
        passes: Map-pass settings by name.
        seeds: Mask draws compared per pass (global seeds 0 .. seeds - 1, the same for both passes).

    Returns:
        ``{pass: {'max_abs_diff': max |maps - reference maps| (maps are cosine / tau), 'mask_equal': fraction of
        mask entries equal to the reference's, 'kept': mean kept fraction of its masks}}``.
    """
    localizer.map_pass = map_pass_settings(REFERENCE_MAP_PASS)
    reference = localizer.localize(*loc_inputs)

    def masks(maps: torch.Tensor) -> torch.Tensor:
        out = []
        for seed in range(seeds):
            torch.manual_seed(seed)
            out.append(mixer(grid, maps.shape[0], maps=maps).mask)
        return torch.stack(out)

    reference_masks = masks(reference)
    out = {}
    for name, settings in passes.items():
        localizer.map_pass = settings
        maps = localizer.localize(*loc_inputs)
        drawn = masks(maps)
        out[name] = dict(max_abs_diff=float((maps - reference).abs().max()),
                         mask_equal=float((drawn == reference_masks).float().mean()), kept=float(drawn.mean()))
    return out


def summarise(result: Dict[str, Any]) -> str:
    """Text report: median / mean s per step of every arm, ratios to the first arm, localizer pass alone."""
    steps = result['steps']
    names = list(steps)
    first = names[0]
    lines = [f"device {result['device']} ({result['threads']} threads), shapes {result['shapes']}",
             f'{"arm":34s} {"median s":>9s} {"min s":>8s} {"ratio":>6s} {"min r.":>6s} {"paired":>6s} '
             f'{"peak MiB":>9s} {"GFLOP":>7s} {"GFLOP/s":>8s}']
    for name in names:
        times = steps[name]
        ratio = statistics.median(times) / statistics.median(steps[first])
        min_ratio = min(times) / min(steps[first])
        # per-iteration ratio to the first arm, run next to it: robust to load that drifts between iterations
        paired = statistics.median(t / r for t, r in zip(times, steps[first]))
        gflops = result['gflops'][name]
        lines.append(f'{name:34s} {statistics.median(times):9.4f} {min(times):8.4f} {ratio:6.3f} {min_ratio:6.3f} '
                     f'{paired:6.3f} {result["memory_mib"][name]:9.0f} {gflops:7.2f} '
                     f'{gflops / statistics.median(times):8.1f}')
    if result['localizer']:
        lines.append('localizer pass alone (map pass: median s, min s, GFLOP, GFLOP/s at the median)')
        for name, times in result['localizer'].items():
            gflops = result['localizer_gflops'][name]
            lines.append(f'  {name:32s} {statistics.median(times):9.4f} {min(times):8.4f} {gflops:7.2f} '
                         f'{gflops / statistics.median(times):8.1f}')
    if result['agreement']:
        lines.append('maps and masks against the reference pass (max |map difference|, maps = cosine / tau; '
                     'mask entries equal, 20 seeded draws; kept fraction)')
        for name, agree in result['agreement'].items():
            lines.append(f"  {name:32s} {agree['max_abs_diff']:9.2e} {agree['mask_equal']:8.4f} {agree['kept']:6.3f}")
    return '\n'.join(lines)


def sweep_options(point: Dict[str, int]) -> List[str]:
    """``--cfg-options`` and batch arguments of one sweep point (frames, frame size, labeled, unlabeled)."""
    size = point['size']
    return ['--labeled', str(point['labeled']), '--unlabeled', str(point['unlabeled']), '--cfg-options',
            f"model.recognizer.video_backbone.num_frames={point['frames']}",
            f'model.recognizer.video_backbone.img_size={size}', f'model.localizer.input_size=({size},{size})']


def sweep(args: argparse.Namespace) -> List[Dict[str, Any]]:
    """Run every :data:`SWEEP_POINTS` point in a fresh process; print and return the rows."""
    rows = []
    header = ('| frames | size | labeled + unlabeled | ' + ' | '.join(f'{m} s / step' for m in args.mixers)
              + ' | ratio | built MiB | ' + ' | '.join(f'{m} peak MiB' for m in args.mixers) + ' |')
    print(header)
    print('|' + '---|' * (header.count('|') - 1))
    for point in SWEEP_POINTS:
        cmd = [sys.executable, __file__, args.config, '--iters', str(args.iters), '--warmup', str(args.warmup),
               '--device', args.device, '--mixers', *args.mixers, '--json',
               *(['--threads', str(args.threads)] if args.threads else []), *sweep_options(point),
               *(f'{k}={v}' for k, v in (args.cfg_options or {}).items())]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        names = list(result['steps'])
        medians = [statistics.median(result['steps'][n]) for n in names]
        rows.append(dict(point=point, medians=dict(zip(names, medians)),
                         memory={n: result['memory_mib'][n] for n in names}))
        print(f"| {point['frames']} | {point['size']} | {point['labeled']} + {point['unlabeled']} | "
              + ' | '.join(f'{m:.3f}' for m in medians) + f" | {medians[-1] / medians[0]:.2f} | "
              f"{result['memory_mib']['built']:.0f} | "
              + ' | '.join(f"{result['memory_mib'][n]:.0f}" for n in names) + ' |', flush=True)
    return rows


def plot(rows: List[Dict[str, Any]], path: str) -> None:
    """Step time and peak memory of each sweep point, one bar group per point."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    labels = [f"T{r['point']['frames']} {r['point']['size']}px\n{r['point']['labeled']}+{r['point']['unlabeled']}"
              for r in rows]
    names = list(rows[0]['medians'])
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    width = 0.8 / len(names)
    for k, name in enumerate(names):
        xs = [i + (k - (len(names) - 1) / 2) * width for i in range(len(rows))]
        axes[0].bar(xs, [r['medians'][name] for r in rows], width, label=name.split('[')[0])
        axes[1].bar(xs, [r['memory'][name] / 1024 for r in rows], width, label=name.split('[')[0])
    for ax, title in zip(axes, ('s / step (median)', 'peak RSS, GiB')):
        ax.set_xticks(range(len(rows)), labels, fontsize=7)
        ax.set_title(title, fontsize=9)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    parser.add_argument('config', help='semi-supervised config with a localizer (e.g. configs/synthetic/asl_1shot.py)')
    parser.add_argument('--iters', type=int, default=20, help='timed iterations (each runs every arm once)')
    parser.add_argument('--warmup', type=int, default=2, help='untimed steps per arm before timing')
    parser.add_argument('--mixers', nargs='+', default=['TubeTokenMixup', 'ASLGuidedMixup'],
                        help='mixer types; ratios are to the first')
    parser.add_argument('--map-passes', nargs='+', default=['config'],
                        help="localizer map passes for the map mixers: 'config', 'reference', optionally with "
                             "'+switch' (fold_bn, channels_last, projected_cosine, compile, cpu_bf16)")
    parser.add_argument('--localizer-passes', nargs='+',
                        help='map passes timed alone and compared with the reference (default: --map-passes)')
    parser.add_argument('--labeled', type=int, help='labeled clips (default: the config sampler\'s)')
    parser.add_argument('--unlabeled', type=int, help='unlabeled clips (default: the config sampler\'s)')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu', choices=('cpu', 'cuda'),
                        help='where the step runs')
    parser.add_argument('--threads', type=int, help='torch CPU threads (default: torch\'s)')
    parser.add_argument('--json', action='store_true', help='print the raw result as one JSON line')
    parser.add_argument('--sweep', action='store_true',
                        help='cost curves over frames, frame size and batch (SWEEP_POINTS), one process each')
    parser.add_argument('--plot', help='with --sweep: write a PNG of the curves here')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config entries')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    """Benchmark, or sweep."""
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.sweep:
        rows = sweep(args)
        if args.plot:
            plot(rows, args.plot)
        return
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    torch.manual_seed(0)
    result = run(cfg, step_shapes(cfg, args.labeled, args.unlabeled), args.mixers, args.map_passes,
                 args.localizer_passes or args.map_passes, args.iters, args.warmup, torch.device(args.device))
    print(json.dumps(result) if args.json else summarise(result))


if __name__ == '__main__':
    main()
