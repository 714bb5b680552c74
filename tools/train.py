"""Train a model from an mmavssl config (mmaction2's flags)."""
import argparse
import os

from mmengine.config import Config, DictAction
from mmengine.runner import find_latest_checkpoint

from mmavssl.engine import default_work_dir, enable_amp, enable_tensorboard, finish_distributed, prepare_launcher
from mmavssl.engine.runner import QuietRunner
from mmavssl.registry import RUNNERS
from mmavssl.utils import trust_checkpoint
from mmavssl.utils.cli import HelpFormatter


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description='Train an mmavssl model', formatter_class=HelpFormatter,
                                     allow_abbrev=False)
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from this checkpoint, or (no value) from the latest one in the work dir')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: bf16 where the GPU supports it, else fp16')
    parser.add_argument('--no-validate', action='store_true', help='do not evaluate during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate by the actual over the base batch size')
    parser.add_argument('--seed', type=int, default=None, help='random seed (overrides the config)')
    parser.add_argument('--diff-rank-seed', action='store_true', help='different seeds for different ranks')
    parser.add_argument('--deterministic', action='store_true', help='deterministic CUDNN algorithms')
    parser.add_argument('--trust-checkpoint', action='append', default=[], metavar='PATH',
                        help='allow full unpickling of this checkpoint, a path or URL (only for files you trust)')
    parser.add_argument('--allow-partial-checkpoint', action='store_true',
                        help='load a checkpoint even if it leaves model parameters at their random initialisation')
    parser.add_argument('--tensorboard', action='store_true',
                        help='also log to TensorBoard under <work-dir>/<timestamp>/vis_data (needs '
                        'requirements/optional.txt)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. train_cfg.max_iters=100')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher (tools/dist_train.sh passes pytorch)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line arguments to the config."""
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    default_work_dir(cfg, args.config, args.work_dir)
    if args.amp:
        enable_amp(cfg)
    if args.tensorboard:
        enable_tensorboard(cfg)
    if args.auto_scale_lr:
        if 'base_batch_size' not in (cfg.get('auto_scale_lr') or {}):
            raise ValueError(f'--auto-scale-lr needs auto_scale_lr.base_batch_size in {args.config}; the '
                             'schedules in configs/_base_/schedules/ define it.')
        cfg.auto_scale_lr.enable = True
    randomness = cfg.get('randomness') or {}
    if args.seed is not None:
        randomness['seed'] = args.seed
    randomness.setdefault('seed', None)
    randomness['diff_rank_seed'] = args.diff_rank_seed or randomness.get('diff_rank_seed', False)
    randomness['deterministic'] = args.deterministic or randomness.get('deterministic', False)
    cfg.randomness = randomness
    if args.allow_partial_checkpoint:
        cfg.merge_from_dict({'default_hooks.checkpoint_coverage.allow_partial': True})
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    # After --cfg-options: mmengine resumes from load_from whenever one is set, so a fine-tune's start
    # (load_from=<supervised run>) would be "resumed" instead of the work dir's own latest checkpoint.
    if args.resume == 'auto':
        latest = find_latest_checkpoint(cfg.work_dir)
        if latest is not None or not cfg.get('load_from'):
            cfg.resume, cfg.load_from = True, latest
        else:  # first run of a fine-tune: nothing to resume yet, start from load_from
            cfg.resume = False
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    return cfg


def main() -> None:
    """Build the Runner from the config and train."""
    args = parse_args()
    for path in args.trust_checkpoint:
        trust_checkpoint(path)
    cfg = merge_args(Config.fromfile(args.config), args)
    prepare_launcher(cfg, args.launcher)
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else QuietRunner.from_cfg(cfg)
    runner.train()
    # The DDP wrapper must go before its process group, or a gloo rank can abort at exit.
    del runner
    finish_distributed()


if __name__ == '__main__':
    main()
