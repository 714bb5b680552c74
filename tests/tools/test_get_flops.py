"""tools/analysis/get_flops.py on the base configs (meta device: seconds on a CPU)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(config: str) -> dict:
    out = subprocess.run([sys.executable, str(ROOT / 'tools/analysis/get_flops.py'), config, '--json'],
                         check=True, capture_output=True, text=True, cwd=ROOT,
                         env={'PYTHONPATH': str(ROOT), 'HF_HUB_OFFLINE': '1'})
    return json.loads(out.stdout)


@pytest.mark.slow
def test_paper_size_video_model():
    result = _run('configs/_base_/models/vit_b_divided_video.py')
    assert abs(result['params_trainable'] / 1e6 - 121) < 1  # paper Table 2: 121M
    assert abs(result['gflops_per_view'] - 196) < 2  # TimeSformer-B 8x224: 0.59 TFLOPs / 3 views


@pytest.mark.slow
def test_videomae_size():
    result = _run('configs/_base_/models/vit_b_joint_videomae.py')
    assert abs(result['gflops_per_view'] - 180.4) < 0.5  # 178.5 G blocks + 1.85 G patch embedding
