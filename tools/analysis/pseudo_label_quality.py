"""Does confidence track correctness? Pass rate and pseudo-label accuracy inside / outside confidence thresholds.

Reads a ``tools/test.py --dump`` of a teacher (or any start) on the unlabeled list and, optionally, the
synthetic set's ``annotations.json`` to split the clips by a per-clip flag (``sound_names_class``). A threshold
filters a teacher only where ``acc in`` is clearly above ``acc out``; the predicted-class counts show pseudo
labels concentrated on a few classes.

Example::

    python tools/test.py configs/synthetic/supervised_av_1shot.py <start>.pth --dump start_unlabeled.pkl \\
        --cfg-options test_dataloader.dataset.ann_file=data/synthetic_av_bench/train_unlabeled_1shot.txt
    python tools/analysis/pseudo_label_quality.py start_unlabeled.pkl \\
        --annotations data/synthetic_av_bench/annotations.json
"""
import argparse
import json
import os
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.fileio import load

from mmavssl.evaluation.functional import GroupQuality, threshold_quality
from mmavssl.evaluation.functional.paired import scores_and_labels
from mmavssl.utils.cli import HelpFormatter


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    p.add_argument('dump', help='predictions pickle of tools/test.py --dump')
    p.add_argument('--annotations', help='annotations.json whose per-clip flag splits the clips (synthetic sets)')
    p.add_argument('--key', default='sound_names_class', help='boolean per-clip field of the annotations')
    p.add_argument('--taus', type=float, nargs='+', default=[0.5, 0.7, 0.9, 0.95, 0.99], help='thresholds')
    return p.parse_args(argv)


def flag_groups(filenames: Sequence[str], annotations: str, key: str) -> Dict[str, np.ndarray]:
    """``{key: (N,) bool, 'not ' + key: (N,) bool}`` of the dumped clips, looked up relative to the annotations.

    Raises:
        KeyError: Naming the first clip the annotations do not describe.
    """
    videos = json.loads(open(annotations).read())['videos']
    root = os.path.dirname(os.path.abspath(annotations))
    flags = []
    for name in filenames:
        rel = os.path.relpath(os.path.abspath(name), root)
        if rel not in videos or key not in videos[rel]:
            raise KeyError(f'{annotations} has no {key!r} for {rel}; pass the annotations of the dumped list')
        flags.append(bool(videos[rel][key]))
    flag = np.array(flags, dtype=bool)
    return {key: flag, f'not {key}': ~flag}


def _pct(value: Optional[float]) -> str:
    return '-' if value is None else f'{100 * value:.1f}'


def markdown(report: Sequence[GroupQuality]) -> str:
    """One table line per group and threshold."""
    lines = ['| clips | n | pseudo-label acc. (%) | mean confidence | predicted per class | true per class | '
             'tau | pass (%) | acc. in (%) | acc. out (%) |', '|' + '---|' * 10]
    for g in report:
        for i, r in enumerate(g.rows):
            head = [g.name, str(g.num_clips), _pct(g.accuracy), f'{g.mean_confidence:.3f}', str(g.predicted),
                    str(g.true)] if i == 0 else [''] * 6
            lines.append('| ' + ' | '.join(head + [f'{r.tau:g}', _pct(r.pass_rate), _pct(r.acc_in),
                                                   _pct(r.acc_out)]) + ' |')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    """Print the table."""
    args = parse_args(argv)
    samples = load(args.dump)
    scores, labels = scores_and_labels(samples)
    groups = (flag_groups([s['filename'] for s in samples], args.annotations, args.key)
              if args.annotations else None)
    print(markdown(threshold_quality(scores, labels, args.taus, groups)))


if __name__ == '__main__':
    main()
