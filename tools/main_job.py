"""The README's main job: generate the synthetic benchmark and the pretraining source set, pretrain the encoders,
train the localizer, train and test the supervised baseline and the ASL-guided semi-supervised model, and print
both top-1 accuracies with their paired difference and its 95 % interval."""
import argparse
from pathlib import Path

from mmavssl.studies import MainJobConfig, run_main_job
from mmavssl.utils.cli import HelpFormatter


def parse_args() -> argparse.Namespace:
    """Parse the command line (every option defaults to the README's job)."""
    defaults = MainJobConfig()
    parser = argparse.ArgumentParser(formatter_class=HelpFormatter, description=__doc__, allow_abbrev=False)
    parser.add_argument('--data-root', default=defaults.data_root, help='synthetic benchmark folder')
    parser.add_argument('--source-root', default=defaults.source_root, help='pretraining source set folder')
    parser.add_argument('--work-dir', default=defaults.work_dir, help='root of all work dirs of the job')
    parser.add_argument('--localizer-config', default=defaults.localizer_config, help='localizer training config')
    parser.add_argument('--supervised-config', default=defaults.supervised_config,
                        help='supervised-only baseline config')
    parser.add_argument('--semi-config', default=defaults.semi_config, help='semi-supervised config')
    parser.add_argument('--seed', type=int, default=defaults.seed, help='seed of every run')
    return parser.parse_args()


def main() -> None:
    """Run the job; finished steps of an earlier run in the same work dir are reused."""
    args = parse_args()
    run_main_job(MainJobConfig(data_root=args.data_root, source_root=args.source_root, work_dir=args.work_dir,
                               localizer_config=args.localizer_config, supervised_config=args.supervised_config,
                               semi_config=args.semi_config, seed=args.seed),
                 Path(__file__).resolve().parents[1], tools_dir=Path(__file__).resolve().parent)


if __name__ == '__main__':
    main()
