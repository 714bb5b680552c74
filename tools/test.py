"""Test a checkpoint with an mmavssl config (mmaction2's flags)."""
import argparse
import os
import sys

from mmengine.config import Config, DictAction

from mmavssl.engine import (default_work_dir, enable_tensorboard, enable_visualization, finish_distributed,
                            prepare_launcher)
from mmavssl.engine.runner import QuietRunner
from mmavssl.registry import RUNNERS
from mmavssl.utils import trust_checkpoint
from mmavssl.utils.cli import HelpFormatter


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description='Test (and evaluate) an mmavssl model', formatter_class=HelpFormatter,
                                     allow_abbrev=False)
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the directory to save the evaluation metrics')
    parser.add_argument('--dump', type=str, help='dump predictions to a pickle file for offline evaluation')
    parser.add_argument('--show-dir', help='write one image per test sample (middle frame of each clip, fbank, '
                        'ground truth, top-k) to this new or empty folder')
    parser.add_argument('--show', action='store_true', help='show each test sample in a window (needs a display)')
    parser.add_argument('--interval', type=int, default=1, help='with --show-dir/--show: draw every n-th sample')
    parser.add_argument('--tensorboard', action='store_true',
                        help='also log to TensorBoard (needs requirements/optional.txt)')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow full unpickling of the checkpoint (only for files you trust)')
    parser.add_argument('--allow-partial-checkpoint', action='store_true',
                        help='load a checkpoint even if it leaves model parameters at their random initialisation')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. test_dataloader.batch_size=2')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher (tools/dist_test.sh passes pytorch)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.show and sys.platform.startswith('linux') and not (os.environ.get('DISPLAY')
                                                               or os.environ.get('WAYLAND_DISPLAY')):
        parser.error('--show needs a display (DISPLAY is not set); use --show-dir DIR to write the images')
    if args.show_dir and os.path.isdir(args.show_dir) and os.listdir(args.show_dir):
        parser.error(f'--show-dir {args.show_dir} is not empty; choose an empty or new folder')
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line arguments to the config."""
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    default_work_dir(cfg, args.config, args.work_dir)
    # After --cfg-options: the CHECKPOINT argument is what gets tested, even when the options carry the
    # training run's load_from (run_benchmark and the main job pass the training overrides through).
    cfg.load_from = args.checkpoint
    if args.allow_partial_checkpoint:
        cfg.merge_from_dict({'default_hooks.checkpoint_coverage.allow_partial': True})
    if args.show_dir or args.show:
        enable_visualization(cfg, args.show_dir, args.show, args.interval)
    if args.tensorboard:
        enable_tensorboard(cfg)
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--dump must name a .pkl or .pickle file, got {args.dump}')
        evaluator = cfg.test_evaluator
        evaluator = list(evaluator) if isinstance(evaluator, (list, tuple)) else [evaluator]
        cfg.test_evaluator = evaluator + [dict(type='DumpResults', out_file_path=args.dump)]
    return cfg


def main() -> None:
    """Build the Runner from the config and test."""
    args = parse_args()
    if args.trust_checkpoint:
        trust_checkpoint(args.checkpoint)
    cfg = merge_args(Config.fromfile(args.config), args)
    prepare_launcher(cfg, args.launcher)
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else QuietRunner.from_cfg(cfg)
    runner.test()
    # The DDP wrapper must go before its process group, or a gloo rank can abort at exit.
    del runner
    finish_distributed()


if __name__ == '__main__':
    main()
