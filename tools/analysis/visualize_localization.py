"""Overlay FNAC localisation maps on video frames and write PNG files.

Example::

    python tools/analysis/visualize_localization.py video.mp4 --out-dir vis/ --checkpoint fnac_best.pth

For each video the frame at ``--time`` (default: the middle) is localised with the audio window centred on it
(the ``LocAudioWindow`` / ``FNACSpectrogram`` settings of ``--config``'s test pipeline, else FNAC's 3 s), and at
the size of that pipeline's ``Resize`` (a fixed ``scale`` without ``keep_ratio``), so the model sees what it was
tested on; ``<out-dir>/<video name>_loc.png`` shows the map over the original frame (and ``--boxes`` if given).
"""
import argparse
import os
from typing import List, Optional, Tuple

import cv2
import numpy as np
import torch
from mmengine.config import Config

from mmavssl.apis.visualize_masks import build_frozen_localizer
from mmavssl.datasets.transforms import load_av_sample
from mmavssl.evaluation.functional import draw_boxes, overlay_map
from mmavssl.registry import TRANSFORMS
from mmavssl.utils.cli import HelpFormatter


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description='Visualise FNAC sound-source localisation maps',
                                     formatter_class=HelpFormatter, allow_abbrev=False)
    parser.add_argument('videos', nargs='+', help='video files with an audio stream')
    parser.add_argument('--out-dir', required=True, help='folder for the PNG files (created if missing)')
    parser.add_argument('--config', help='config whose `model` is an FNACLocalizer (default: FNAC defaults)')
    parser.add_argument('--checkpoint', help='official FNAC/EZ-VSL or mmengine checkpoint')
    parser.add_argument('--time', type=float, help='frame time in seconds (default: middle of the video)')
    parser.add_argument('--visual-stage', type=int, default=4, choices=(1, 2, 3, 4), help='without --config')
    parser.add_argument('--input-size', type=int, default=224, help='square input size, without --config')
    parser.add_argument('--alpha', type=float, default=0.5, help='heat-map opacity')
    parser.add_argument('--boxes', type=float, nargs='+', help='GT boxes x1 y1 x2 y2 ... in frame pixels')
    parser.add_argument('--overwrite', action='store_true', help='replace existing PNG files')
    return parser.parse_args(argv)


def config_test_pipeline(args: argparse.Namespace) -> List[dict]:
    """The transforms of ``--config``'s test pipeline, or an empty list without ``--config``."""
    if not args.config:
        return []
    return list(Config.fromfile(args.config).get('test_dataloader', {}).get('dataset', {}).get('pipeline', []))


def build_audio_pipeline(args: argparse.Namespace) -> list:
    """``LocAudioWindow`` + ``FNACSpectrogram`` as in ``--config``'s test pipeline (FNAC defaults otherwise).

    Returns:
        The two transforms (single frame kept, no spectrogram masking).
    """
    steps = {'LocAudioWindow': dict(type='LocAudioWindow'), 'FNACSpectrogram': dict(type='FNACSpectrogram')}
    for step in config_test_pipeline(args):
        if step['type'] in steps:
            steps[step['type']] = dict(step)
    steps['LocAudioWindow'].update(keep_single_frame=True, frame='center')
    steps['FNACSpectrogram'].update(augment=False)
    return [TRANSFORMS.build(step) for step in steps.values()]


def config_frame_size(args: argparse.Namespace) -> Optional[Tuple[int, int]]:
    """(W, H) of the fixed-size ``Resize`` in ``--config``'s test pipeline, or None (no config, no such step).

    Returns:
        The frame size the localizer was evaluated at, for ``cv2.resize``.
    """
    sizes = [tuple(step['scale']) for step in config_test_pipeline(args)
             if step['type'] == 'Resize' and not step.get('keep_ratio', False) and 'scale' in step]
    return sizes[-1] if sizes else None


def main(argv: Optional[List[str]] = None) -> List[str]:
    """Write one PNG per video.

    Args:
        argv: Command line (``sys.argv[1:]`` when None).

    Returns:
        Paths of the written files.
    """
    args = parse_args(argv)
    model = build_frozen_localizer(args.config, args.checkpoint, args.visual_stage, args.input_size)
    os.makedirs(args.out_dir, exist_ok=True)
    pipeline = build_audio_pipeline(args)
    frame_size = config_frame_size(args)
    mean, std = np.array(model.video_mean), np.array(model.video_std)
    written = []
    for video in args.videos:
        out = os.path.join(args.out_dir, os.path.splitext(os.path.basename(video))[0] + '_loc.png')
        if os.path.exists(out) and not args.overwrite:
            raise FileExistsError(f'{out} exists; pass --overwrite to replace it or choose another --out-dir')
        results = load_av_sample(video, args.time)
        for transform in pipeline:
            results = transform(results)
        frame = results['imgs'][0]
        seen = cv2.resize(frame, frame_size, interpolation=cv2.INTER_LINEAR) if frame_size else frame
        clip = torch.from_numpy(((seen - mean) / std).astype(np.float32)).permute(2, 0, 1)[None, :, None]
        loc_map = model.localize(clip, torch.from_numpy(results['loc_audios'])[None])[0, 0]
        image = overlay_map(frame, loc_map.numpy(), alpha=args.alpha)
        if args.boxes:
            image = draw_boxes(image, np.asarray(args.boxes).reshape(-1, 4))
        if not cv2.imwrite(out, image[:, :, ::-1]):
            raise OSError(f'could not write {out}')
        written.append(out)
        print(f'{video} @ {results["loc_frame_time"]:.2f} s -> {out}')
    return written


if __name__ == '__main__':
    main()
