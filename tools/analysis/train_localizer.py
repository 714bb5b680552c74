"""Train the sound-source localizer the way the main job does (docs/localizer.md): after the config's schedule it
reads the last validation metrics and, while they miss the target, resumes the run to each longer schedule
(``--train-on``); when the last one still misses it, it trains afresh with seed + 1000 (``--restarts`` times). It
keeps the first run that meets the target, or else the one that points best, and stops with an error when that
one points at the sound source no better than the centre box.

Writes the kept checkpoint to ``<work-dir>/localizer.pth`` and its validation metrics, iterations and seed to
``<work-dir>/localizer.json``. A rerun resumes interrupted trainings; with both files present it does nothing
(delete them to retrain). Example (the synthetic study's localizer)::

    python tools/analysis/train_localizer.py configs/localizer/fnac_r18_synthetic.py \\
        --work-dir work_dirs/study_synthetic/localizer --train-on 800 --restarts 1
"""
import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import List, Optional

from mmengine.config import Config

from mmavssl.studies import LOCALIZER_METRICS, MainJob, MainJobConfig, format_localizer_metrics
from mmavssl.utils.cli import HelpFormatter

REPO_ROOT = Path(__file__).resolve().parents[2]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (schedule, restarts and target default to the main job's)."""
    defaults = MainJobConfig()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    parser.add_argument('config', help='localizer training config')
    parser.add_argument('--work-dir', required=True, help='folder of the runs, localizer.pth and localizer.json')
    parser.add_argument('--seed', type=int, default=0, help='seed of the first run (restart k: seed + 1000 k)')
    parser.add_argument('--train-on', type=int, nargs='*',
                        help='longer train_cfg.max_iters to resume to, one after the other, while the target is '
                             'missed; each above the first run\'s schedule (given without values: never train on; '
                             f'default: those of the main job\'s {defaults.localizer_train_on} above it)')
    parser.add_argument('--restarts', type=int, default=defaults.localizer_restarts,
                        help='fresh runs with another seed after the last schedule still misses the target')
    parser.add_argument('--target', nargs='+', metavar='KEY=VALUE',
                        default=[f'{k}={v}' for k, v in defaults.localizer_target.items()],
                        help=f'lowest validation value of each metric, keys of {list(LOCALIZER_METRICS)}')
    parser.add_argument('--cfg-options', nargs='+', default=[], metavar='KEY=VALUE',
                        help='overrides of the config for every run, as tools/train.py takes them')
    return parser.parse_args(argv)


def first_schedule(config: str, cfg_options: List[str]) -> int:
    """``train_cfg.max_iters`` of the first run: the override in ``cfg_options``, else the config's."""
    for option in cfg_options:
        if option.startswith('train_cfg.max_iters='):
            return int(option.split('=', 1)[1])
    max_iters = Config.fromfile(config).get('train_cfg', {}).get('max_iters')
    if max_iters is None:
        sys.exit(f'{config} has no train_cfg.max_iters: training on needs an iteration-based schedule '
                 '(IterBasedTrainLoop), as configs/localizer/fnac_r18_synthetic.py has.')
    return int(max_iters)


def main(argv: Optional[List[str]] = None) -> None:
    """Train (or reuse) the localizer and write ``localizer.pth`` and ``localizer.json``."""
    args = parse_args(argv)
    work_dir = Path(args.work_dir).resolve()
    ckpt_out, metrics_out = work_dir / 'localizer.pth', work_dir / 'localizer.json'
    if ckpt_out.is_file() and metrics_out.is_file():
        print(f'{ckpt_out} and {metrics_out} exist: nothing to do (delete them to retrain).')
        return
    if ckpt_out.exists():
        sys.exit(f'{ckpt_out} exists without {metrics_out}: this tool did not write it; move it away first.')
    if not Path(args.config).is_file():
        sys.exit(f'{args.config}: no such config file (relative paths are relative to {os.getcwd()}).')
    config = str(Path(args.config).resolve())
    start = first_schedule(config, args.cfg_options)
    if args.train_on is None:
        args.train_on = [n for n in MainJobConfig().localizer_train_on if n > start]
    if any(n <= start for n in args.train_on):
        sys.exit(f'--train-on {args.train_on}: every schedule must exceed the first run\'s {start} iterations '
                 f'(train_cfg.max_iters of {args.config} or --cfg-options).')
    try:
        target = {key: float(value) for key, value in (t.split('=', 1) for t in args.target)}
    except ValueError:
        sys.exit(f'--target {args.target}: write each as KEY=NUMBER, e.g. loc/cIoU=0.5.')
    try:
        cfg = MainJobConfig(work_dir=str(work_dir), localizer_config=config, localizer_options=args.cfg_options,
                            localizer_train_on=args.train_on, localizer_restarts=args.restarts,
                            localizer_target=target, seed=args.seed, python=sys.executable)
    except ValueError as err:
        sys.exit(str(err))
    try:
        kept = MainJob(cfg, REPO_ROOT, tools_dir=REPO_ROOT / 'tools').train_localizer(work_dir)
    except RuntimeError as err:
        sys.exit(f'train_localizer: {err}')
    work_dir.mkdir(parents=True, exist_ok=True)
    # written whole or not at all, so that a half-copied file is never taken for a user's checkpoint
    tmp = ckpt_out.with_suffix('.pth.tmp')
    shutil.copyfile(kept['checkpoint'], tmp)
    os.replace(tmp, ckpt_out)
    metrics_out.write_text(json.dumps(kept, indent=1) + '\n')
    print(f'kept {kept["checkpoint"]} (seed {kept["seed"]}, {kept.get("iterations", "?")} iterations): '
          f'{format_localizer_metrics(kept)} -> {ckpt_out}')


if __name__ == '__main__':
    main()
