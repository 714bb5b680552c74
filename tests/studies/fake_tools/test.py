"""Stand-in for tools/test.py in the benchmark tests: metrics from the fake checkpoint, in mmengine's layout.

Writes ``<work-dir>/<ts>/<ts>.json`` with ``acc/top1 = acc + 0.01 * seed`` and ``acc/mean1 = acc/top1 - 0.05``
(``acc`` and ``seed`` read from the checkpoint); ``--dump`` is accepted and ignored. ``testfail=1`` in ``--cfg-options`` exits 2 instead. Each call
appends ``test <checkpoint>`` to the file named by $FAKE_TOOLS_LOG.
"""
import argparse
import json
import os
import sys
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument('config')
parser.add_argument('checkpoint')
parser.add_argument('--work-dir', required=True)
parser.add_argument('--dump')
parser.add_argument('--cfg-options', nargs='+', default=[])
args = parser.parse_args()
opts = dict(kv.split('=', 1) for kv in args.cfg_options)
with open(os.environ['FAKE_TOOLS_LOG'], 'a') as f:
    f.write(f'test {args.checkpoint}\n')
if opts.get('testfail') == '1':
    print('ValueError: test broke', file=sys.stderr)
    sys.exit(2)
state = json.loads(Path(args.checkpoint).read_text())
top1 = state['acc'] + 0.01 * state['seed']
log_dir = Path(args.work_dir) / '20250101_000000'
log_dir.mkdir(parents=True, exist_ok=True)
(log_dir / '20250101_000000.json').write_text(json.dumps({'acc/top1': top1, 'acc/mean1': top1 - 0.05,
                                                          'acc/top5': 1.0, 'time': 0.1}))
