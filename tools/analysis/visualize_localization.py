"""Overlay FNAC localisation maps on video frames and write PNG files.

Example::

    python tools/analysis/visualize_localization.py video.mp4 --out-dir vis/ --checkpoint fnac_best.pth

For each video the frame at ``--time`` (default: the middle) is localised by :func:`mmavssl.apis.localize_video`
with the audio window centred on it (the ``LocAudioWindow`` / ``FNACSpectrogram`` settings of ``--config``'s test
pipeline, else FNAC's 3 s), and at the size of that pipeline's ``Resize`` (a fixed ``scale`` without
``keep_ratio``), so the model sees what it was tested on; ``<out-dir>/<video name>_loc.png`` shows the map over the
original frame (and ``--boxes`` if given).
"""
import argparse
import os
from typing import List, Optional

from mmavssl.apis import init_localizer, localize_video, read_frames, video_info
from mmavssl.utils.cli import HelpFormatter
from mmavssl.visualization import draw_localization, refuse_existing, write_image


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


def main(argv: Optional[List[str]] = None) -> List[str]:
    """Write one PNG per video.

    Args:
        argv: Command line (``sys.argv[1:]`` when None).

    Returns:
        Paths of the written files.
    """
    args = parse_args(argv)
    outs = [os.path.join(args.out_dir, os.path.splitext(os.path.basename(v))[0] + '_loc.png') for v in args.videos]
    refuse_existing(outs, args.overwrite)
    model = init_localizer(args.config, args.checkpoint, visual_stage=args.visual_stage, input_size=args.input_size)
    os.makedirs(args.out_dir, exist_ok=True)
    for video, out in zip(args.videos, outs):
        if args.time is None:
            total, fps = video_info(video)
            time = (total // 2) / fps
        else:
            time = args.time
        localization = localize_video(model, video, [time])
        frame = read_frames(video, localization.times)[0]
        write_image(out, draw_localization(frame, localization.maps[0], args.boxes, args.alpha))
        print(f'{video} @ {localization.times[0]:.2f} s -> {out}')
    return outs


if __name__ == '__main__':
    main()
