"""Paper Fig. 3: TubeToken masks vs ASL-guided masks on one frame of a video.

Examples::

    # a video path, the tiny CPU model's token grid, a random-init localizer (warns)
    python tools/analysis/visualize_masks.py video.mp4 --out-dir vis/

    # line 0 of a list file, ViT-B/16's 14x14 grid, a trained localizer and its config
    python tools/analysis/visualize_masks.py --ann-file data/synthetic_av/test.txt --index 0 \\
        --model-config configs/_base_/models/vit_b_divided_video.py \\
        --localizer-config configs/localizer/fnac_r18_synthetic.py --checkpoint best.pth --out-dir vis/

Writes ``<out-dir>/<video>_{frame,tube_mask,tube_masked,tube_avg,loc_map,asl_mask,asl_masked,asl_avg}.png``
and the combined 2 x 3 figure ``<video>_fig3.png``. Existing files are never replaced without ``--overwrite``.
"""
import argparse
import os
from typing import Dict, List, Optional

import torch

from mmavssl.apis.visualize_masks import (backbone_geometry, build_frozen_localizer, loc_window_from_config,
                                          output_paths, refuse_existing, resolve_video, visualize_masks)
from mmavssl.utils.cli import HelpFormatter

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


def main(argv: Optional[List[str]] = None) -> Dict[str, str]:
    """Write the Fig. 3 panels and the combined figure.

    Args:
        argv: Command line (``sys.argv[1:]`` when None).

    Returns:
        Panel key -> written path.
    """
    args = parse_args(argv)
    video = resolve_video(args.video, args.ann_file, args.index, args.data_prefix)
    # Fail before the (slow) localizer build.
    refuse_existing(output_paths(args.out_dir, os.path.splitext(os.path.basename(video))[0]).values(),
                    args.overwrite)
    if args.patch_size and args.frame_size:
        patch_size, frame_size = args.patch_size, args.frame_size
    else:
        patch_size, frame_size = backbone_geometry(args.model_config)
        patch_size, frame_size = args.patch_size or patch_size, args.frame_size or frame_size
    window = args.window
    if window is None:
        window = (args.localizer_config and loc_window_from_config(args.localizer_config)) or 3.0
    torch.set_num_threads(1)
    # Seeded before the build so that a random-init localizer is reproducible too.
    torch.manual_seed(args.seed)
    localizer = build_frozen_localizer(args.localizer_config, args.checkpoint, args.visual_stage,
                                       args.input_size)
    fig, paths = visualize_masks(video, args.out_dir, patch_size, frame_size, localizer, args.checkpoint,
                                 args.frame_index, window, args.num_samples, args.seed, args.partner,
                                 args.tube_alpha, args.asl_alphas, args.overwrite)
    grid = fig.tube_masks.shape[1:]
    print(f'{video}: {frame_size}px frame, {grid[0]}x{grid[1]} tokens of {patch_size}px, map '
          f'{fig.loc_map.shape[0]}x{fig.loc_map.shape[1]}, {len(fig.tube_masks)} masks per mixer, '
          f'localizer {"checkpoint " + args.checkpoint if args.checkpoint else "RANDOM INIT"}')
    for key, path in paths.items():
        print(f'  {key:12s} -> {path}')
    return paths


if __name__ == '__main__':
    main()
