"""Paper Fig. 3: TubeToken masks vs ASL-guided masks on one frame of a video.

Examples::

    # a video path, the tiny CPU model's token grid, a random-init localizer (warns)
    python tools/analysis/visualize_masks.py video.mp4 --out-dir vis/

    # line 0 of a list file, ViT-B/16's 14x14 grid, a trained localizer and its config
    python tools/analysis/visualize_masks.py --ann-file data/synthetic_av/test.txt --index 0 \\
        --model-config configs/_base_/models/vit_b_divided_video.py \\
        --localizer-config configs/localizer/fnac_r18_synthetic.py --checkpoint best.pth --out-dir vis/

The frame is decoded as the test pipeline decodes it (:func:`mmavssl.apis.read_frames`, resized to the backbone's
frame size), its map comes from :func:`mmavssl.apis.localize_video` (the localizer config's audio window and frame
size), and the masks and panels from :mod:`mmavssl.visualization.mask_figure`. Writes
``<out-dir>/<video>_{frame,tube_mask,tube_masked,tube_avg,loc_map,asl_mask,asl_masked,asl_avg}.png`` and the
combined 2 x 3 figure ``<video>_fig3.png``. Existing files are never replaced without ``--overwrite``.
"""
import argparse
import os
from typing import Dict, List, Optional, Tuple

import torch

from mmavssl.apis import init_localizer, localize_video, read_frames, video_info
from mmavssl.models.mixers import ASLGuidedMixup, TubeTokenMixup
from mmavssl.utils.cli import HelpFormatter
from mmavssl.visualization import (backbone_geometry, output_paths, refuse_existing, sample_mask_figure,
                                   save_mask_figure)

DEFAULT_MODEL_CONFIG = os.path.join(os.path.dirname(__file__), '../../configs/_base_/models/vit_tiny_divided_video.py')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description='Fig. 3: TubeToken vs ASL-guided token masks',
                                     formatter_class=HelpFormatter, allow_abbrev=False)
    parser.add_argument('video', nargs='?', help='video of clip A (or use --ann-file/--index)')
    parser.add_argument('--ann-file', help='list file (`path label` lines) to take the video from')
    parser.add_argument('--index', type=int, default=0, help='0-based line of --ann-file')
    parser.add_argument('--data-prefix', help="folder of the list's paths (default: the list file's folder)")
    parser.add_argument('--out-dir', required=True, help='folder for the PNG files (created if missing)')
    parser.add_argument('--model-config', default=DEFAULT_MODEL_CONFIG,
                        help='video model config giving the token grid (default: the tiny CPU ViT, 64 px / 16)')
    parser.add_argument('--patch-size', type=int, help='override the config patch size')
    parser.add_argument('--frame-size', type=int, help='override the config frame size (square)')
    parser.add_argument('--localizer-config', help='config whose `model` is an FNACLocalizer')
    parser.add_argument('--checkpoint', help='localizer checkpoint (random weights with a warning if absent)')
    parser.add_argument('--visual-stage', type=int, default=4, choices=(1, 2, 3, 4),
                        help='localizer ResNet stage without --localizer-config')
    parser.add_argument('--input-size', type=int, default=224, help='localizer input size without its config')
    parser.add_argument('--window', type=float,
                        help="audio window in s (default: the localizer config's LocAudioWindow, else 3)")
    parser.add_argument('--frame-index', type=int, help='frame to show (default: the middle frame)')
    parser.add_argument('--partner', help='video whose frame fills the dropped tokens (default: grey)')
    parser.add_argument('--num-samples', type=int, default=255, help='masks averaged per mixer')
    parser.add_argument('--tube-alpha', type=float, default=10.0, help='TubeToken lam ~ Beta(a, a)')
    parser.add_argument('--asl-alphas', type=float, nargs=2, default=(5.0, 10.0), help='ASL lam ~ Beta(a1, a2)')
    parser.add_argument('--seed', type=int, default=0, help='seed of the localizer init and the mask draws')
    parser.add_argument('--overwrite', action='store_true', help='replace existing PNG files')
    return parser.parse_args(argv)


def resolve_video(video: Optional[str] = None, ann_file: Optional[str] = None, index: int = 0,
                  data_prefix: Optional[str] = None) -> str:
    """The video path given directly or as line ``index`` of a toolbox list file (``path label``).

    Args:
        video: Video path (wins when given).
        ann_file: List file whose lines start with a path relative to ``data_prefix``.
        index: 0-based line of ``ann_file``.
        data_prefix: Folder of the relative paths; the list file's folder when None.

    Returns:
        The video path.

    Raises:
        ValueError: If neither or both sources are given, or the line is missing/empty.
        FileNotFoundError: If the list file does not exist.
    """
    if (video is None) == (ann_file is None):
        raise ValueError('give either a video path or --ann-file (with --index)')
    if video is not None:
        return video
    if not os.path.isfile(ann_file):
        raise FileNotFoundError(f'{ann_file} does not exist')
    with open(ann_file) as f:
        lines = [line.split() for line in f if line.strip()]
    if not 0 <= index < len(lines):
        raise ValueError(f'{ann_file} has {len(lines)} entries; --index {index} is outside it')
    prefix = os.path.dirname(ann_file) if data_prefix is None else data_prefix
    return os.path.join(prefix, lines[index][0])


def frame_index(video: str, index: Optional[int]) -> Tuple[int, float]:
    """The frame to show (the middle one when None; negative values count from the end) and the video's fps.

    Raises:
        IndexError: If ``index`` is outside the video.
    """
    total, fps = video_info(video)
    chosen = total // 2 if index is None else index + total if index < 0 else index
    if not 0 <= chosen < total:
        raise IndexError(f'{video} has {total} frames; frame index {index} is outside it')
    return chosen, fps


def main(argv: Optional[List[str]] = None) -> Dict[str, str]:
    """Write the Fig. 3 panels and the combined figure.

    Args:
        argv: Command line (``sys.argv[1:]`` when None).

    Returns:
        Panel key -> written path.

    Raises:
        ValueError: If the video has no audio stream (ASL-guided masks need the sound to localise).
    """
    args = parse_args(argv)
    video = resolve_video(args.video, args.ann_file, args.index, args.data_prefix)
    stem = os.path.splitext(os.path.basename(video))[0]
    # Fail before the (slow) localizer build.
    refuse_existing(output_paths(args.out_dir, stem).values(), args.overwrite)
    if args.patch_size and args.frame_size:
        patch_size, frame_size = args.patch_size, args.frame_size
    else:
        patch_size, frame_size = backbone_geometry(args.model_config)
        patch_size, frame_size = args.patch_size or patch_size, args.frame_size or frame_size
    torch.set_num_threads(1)
    # Seeded before the build so that a random-init localizer is reproducible too.
    torch.manual_seed(args.seed)
    localizer = init_localizer(args.localizer_config, args.checkpoint, visual_stage=args.visual_stage,
                               input_size=args.input_size)
    index, fps = frame_index(video, args.frame_index)
    times, size = [index / fps], (frame_size, frame_size)
    localization = localize_video(localizer, video, times, window=args.window)
    if not localization.audio_valid:
        raise ValueError(f'{video} has no audio stream; ASL-guided masks need the sound to localise')
    frame = read_frames(video, times, size=size)[0]
    partner = read_frames(args.partner, times, size=size)[0] if args.partner else None
    torch.manual_seed(args.seed)
    fig = sample_mask_figure(frame, localization.maps[0], patch_size, args.num_samples,
                             TubeTokenMixup(alpha=args.tube_alpha, share_across_batch=False),
                             ASLGuidedMixup(alpha1=args.asl_alphas[0], alpha2=args.asl_alphas[1]), partner,
                             args.checkpoint)
    paths = save_mask_figure(fig, args.out_dir, stem, args.overwrite, f'{os.path.basename(video)} frame {index}')
    grid = fig.tube_masks.shape[1:]
    print(f'{video}: {frame_size}px frame, {grid[0]}x{grid[1]} tokens of {patch_size}px, map '
          f'{fig.loc_map.shape[0]}x{fig.loc_map.shape[1]}, {len(fig.tube_masks)} masks per mixer, '
          f'localizer {"checkpoint " + args.checkpoint if args.checkpoint else "RANDOM INIT"}')
    for key, path in paths.items():
        print(f'  {key:12s} -> {path}')
    return paths


if __name__ == '__main__':
    main()
