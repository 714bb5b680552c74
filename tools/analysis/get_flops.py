"""Print trainable / total parameters and GFLOPs (1e9 multiply-accumulates) of a config's model.

Example::

    python tools/analysis/get_flops.py configs/_base_/models/vit_b_divided_video.py --batch-size 1

Counting happens on the meta device (no weights, no compute; see mmavssl/models/utils/flops.py), so
base-size models take seconds on a CPU.
"""
import argparse
import json
import os

os.environ.setdefault('HF_HUB_OFFLINE', '1')

from mmengine.config import Config, DictAction  # noqa: E402

from mmavssl.models.utils.flops import complexity  # noqa: E402
from mmavssl.utils.cli import HelpFormatter  # noqa: E402


def parse_args() -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    parser.add_argument('config', help='config file with a `model` dict')
    parser.add_argument('--batch-size', type=int, default=None,
                        help='labeled clips per iteration (default: train_dataloader.batch_size, else 1)')
    parser.add_argument('--unlabeled-batch-size', type=int, default=None,
                        help='unlabeled clips per iteration for semi-supervised models (default 5x labeled)')
    parser.add_argument('--json', action='store_true', help='print one JSON object instead of text')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config entries')
    return parser.parse_args()


def main() -> None:
    """Count and print."""
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    batch = args.batch_size or cfg.get('train_dataloader', {}).get('batch_size', 1)
    result = complexity(cfg.model.to_dict(), batch, args.unlabeled_batch_size)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(f'config: {args.config}')
    print(f'trainable params: {result["params_trainable"] / 1e6:.2f} M, total: {result["params_total"] / 1e6:.2f} M')
    print(f'GFLOPs per view (forward): {result["gflops_per_view"]:.2f}')
    for name, value in result['gflops_per_view_modules'].items():
        print(f'  {name}: {value:.2f}')
    print(f'GFLOPs per supervised training iteration ({batch} clips, forward + backward): '
          f'{result["gflops_per_iter"]:.2f}')
    if 'gflops_per_iter_semi' in result:
        print(f'GFLOPs per semi-supervised iteration (estimate, see flops.py): {result["gflops_per_iter_semi"]:.2f}')


if __name__ == '__main__':
    main()
