"""Stand-in for tools/train.py in the benchmark tests: writes mmengine-like checkpoints in milliseconds.

Overrides it understands (``--cfg-options``): ``acc=A`` base accuracy stored in the checkpoints, ``fail=1`` exit 3
before writing anything, ``crash=1`` write a checkpoint then exit 1 unless ``--resume`` is given, ``best=0`` no
``best_*.pth``. Each call appends ``train <work-dir> <seed> <resume>`` to the file named by $FAKE_TOOLS_LOG.
"""
import argparse
import json
import os
import sys
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument('config')
parser.add_argument('--work-dir', required=True)
parser.add_argument('--seed', type=int, required=True)
parser.add_argument('--resume', nargs='?', const='auto')
parser.add_argument('--cfg-options', nargs='+', default=[])
args = parser.parse_args()
opts = dict(kv.split('=', 1) for kv in args.cfg_options)
with open(os.environ['FAKE_TOOLS_LOG'], 'a') as f:
    f.write(f'train {args.work_dir} {args.seed} {args.resume}\n')
if opts.get('fail') == '1':
    print('RuntimeError: boom', file=sys.stderr)
    sys.exit(3)
work = Path(args.work_dir)
work.mkdir(parents=True, exist_ok=True)
state = dict(seed=args.seed, acc=float(opts.get('acc', 0.5)))
(work / 'iter_1.pth').write_text(json.dumps(state))
(work / 'last_checkpoint').write_text(str(work / 'iter_1.pth'))
if opts.get('crash') == '1' and args.resume is None:
    print('KeyboardInterrupt', file=sys.stderr)
    sys.exit(1)
(work / 'iter_2.pth').write_text(json.dumps(state))
(work / 'last_checkpoint').write_text(str(work / 'iter_2.pth'))
if opts.get('best', '1') == '1':
    (work / 'best_acc_top1_iter_1.pth').write_text(json.dumps({**state, 'acc': state['acc'] + 0.1}))
