"""Predict the action in one video and, optionally, write it with the sound-source heatmap and its sound.

mmaction2's ``demo/demo.py`` argument order::

    python demo/demo.py CONFIG CHECKPOINT VIDEO [LABEL_FILE] [--out-filename OUT.mp4] [--device cpu|cuda]

Prints the top-5 classes (names from LABEL_FILE, else the config's class file). ``--out-filename`` writes
the video with the localization heatmap of every frame, the top-1 class drawn on it and the original audio
track. The heatmap comes from the model's own localizer (the ASL semi-supervised configs) or from
``--localizer-config`` / ``--localizer-checkpoint`` (a ``configs/localizer/`` run) for any other model.
"""
import argparse
import os
import sys
import time
from typing import List, Optional

from mmengine.config import Config, DictAction

from mmavssl.apis import Prediction, inference_recognizer, init_recognizer, localize_video
from mmavssl.datasets.av_dataset import read_class_names
from mmavssl.utils.cli import HelpFormatter
from mmavssl.visualization import write_overlay_video


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description='mmavssl demo: top-5 classes and a heatmap video',
                                     formatter_class=HelpFormatter, allow_abbrev=False)
    parser.add_argument('config', help='config file of the model')
    parser.add_argument('checkpoint', help='checkpoint file (tools/train.py output)')
    parser.add_argument('video', help='video file (its audio track is used when it has one)')
    parser.add_argument('label', nargs='?', help='class-name file, one name per line (default: the config\'s)')
    parser.add_argument('--out-filename', help='write the heatmap video to this .mp4 file')
    parser.add_argument('--device', default='cpu', help='cpu, cuda or cuda:N')
    parser.add_argument('--localizer-config', help='FNAC localizer config, for models without a localizer')
    parser.add_argument('--localizer-checkpoint', help='checkpoint of --localizer-config')
    parser.add_argument('--alpha', type=float, default=0.5, help='heatmap opacity')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out-filename')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override settings of CONFIG')
    args = parser.parse_args(argv)
    if args.out_filename and not args.out_filename.endswith('.mp4'):
        parser.error(f'--out-filename must end with .mp4, got {args.out_filename}')
    if args.out_filename and os.path.exists(args.out_filename) and not args.overwrite:
        parser.error(f'{args.out_filename} exists; pass --overwrite to replace it or choose another name')
    if bool(args.localizer_config) != bool(args.localizer_checkpoint):
        parser.error('--localizer-config and --localizer-checkpoint go together')
    return args


def format_prediction(prediction: Prediction) -> str:
    """The top-k lines the demo prints: rank, class (name or index) and score."""
    names = prediction.names or [f'class {label}' for label in prediction.labels]
    lines = [f'{rank}: {name} ({score:.4f})' for rank, (name, score) in enumerate(zip(names, prediction.scores), 1)]
    if prediction.warning:
        lines.append(f'note: {prediction.warning}')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> Prediction:
    """Run the demo.

    Args:
        argv: Command line (``sys.argv[1:]`` when None).

    Returns:
        The prediction.
    """
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    start = time.perf_counter()
    model = init_recognizer(cfg, args.checkpoint, args.device)
    built = time.perf_counter()
    localizer = model
    if args.localizer_config:
        localizer = init_recognizer(args.localizer_config, args.localizer_checkpoint, args.device)
    elif args.out_filename and getattr(model, 'localizer', None) is None:
        raise SystemExit(f'{args.config} has no sound-source localizer for the heatmap; pass '
                         '--localizer-config and --localizer-checkpoint (configs/localizer/)')
    names = read_class_names(args.label) if args.label else None
    predicting = time.perf_counter()
    prediction = inference_recognizer(model, args.video, class_names=names)
    print(format_prediction(prediction))
    print(f'model built in {built - start:.2f} s, prediction in {time.perf_counter() - predicting:.2f} s '
          f'({args.device})', file=sys.stderr)
    if args.out_filename:
        maps = localize_video(localizer, args.video).maps
        top1 = (prediction.names or [f'class {prediction.labels[0]}'])[0]
        count = write_overlay_video(args.video, args.out_filename, maps, f'{top1} {prediction.scores[0]:.2f}',
                                    alpha=args.alpha, overwrite=args.overwrite)
        print(f'wrote {args.out_filename} ({count} frames)', file=sys.stderr)
    return prediction


if __name__ == '__main__':
    main()
