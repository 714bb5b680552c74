"""Launch helpers: config adjustments, a 2-process CPU (gloo) run of tools/dist_train.sh, and a 2-node one."""
import subprocess
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmavssl.engine import default_work_dir, enable_amp, prepare_launcher
from mmavssl.utils import safe_torch_load

from toolbox_testing import REPO_ROOT, TOY_CONFIG, free_port, subprocess_env, synthetic_config


def test_default_work_dir_priority() -> None:
    assert default_work_dir(Config(dict(work_dir='cfg')), 'a/b/exp.py', 'cli').work_dir == 'cli'
    assert default_work_dir(Config(dict(work_dir='cfg')), 'a/b/exp.py', None).work_dir == 'cfg'
    assert default_work_dir(Config(), 'a/b/exp.py', None).work_dir == 'work_dirs/exp'


def test_no_launcher_leaves_the_config_alone() -> None:
    cfg = prepare_launcher(Config(dict(env_cfg=dict(dist_cfg=dict(backend='nccl')))), 'none')
    assert cfg.launcher == 'none' and cfg.env_cfg.dist_cfg.backend == 'nccl' and 'model_wrapper_cfg' not in cfg


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only behaviour')
def test_cpu_only_slurm_launcher_is_refused() -> None:
    with pytest.raises(ValueError, match='torchrun'):
        prepare_launcher(Config(), 'slurm')


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only behaviour')
def test_amp_needs_a_gpu() -> None:
    with pytest.raises(RuntimeError, match='--amp needs a CUDA GPU'):
        enable_amp(Config(dict(optim_wrapper=dict(type='OptimWrapper'))))


@pytest.mark.gpu
def test_amp_picks_bf16_or_fp16() -> None:
    cfg = enable_amp(Config(dict(optim_wrapper=dict(type='OptimWrapper'))))
    bf16 = torch.cuda.is_bf16_supported()
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.dtype == ('bfloat16' if bf16 else 'float16')
    assert cfg.optim_wrapper.loss_scale == (1.0 if bf16 else 'dynamic')


@pytest.mark.slow
def test_dist_train_two_cpu_processes(tmp_path: Path) -> None:
    env = subprocess_env()
    env['PORT'] = str(free_port())
    work_dir = tmp_path / 'work'
    done = subprocess.run(['bash', 'tools/dist_train.sh', str(TOY_CONFIG), '2', '--work-dir', str(work_dir)],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    # torchrun exits 0 only when every rank exited 0.
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    log = next(work_dir.glob('*/*.log')).read_text()
    assert 'Distributed training: True' in log and 'GPU number: 2' in log
    assert 'Iter(train) [8/8]' in log
    checkpoint = safe_torch_load(work_dir / 'iter_8.pth')
    assert checkpoint['meta']['iter'] == 8


def _fake_python(path: Path, name: str) -> Path:
    """An executable that prints ``name`` and its arguments, standing in for an interpreter."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/usr/bin/env bash\necho {name} "$@"\n')
    path.chmod(0o755)
    return path


@pytest.mark.parametrize('script, args', [('dist_train.sh', ['cfg.py', '2']),
                                          ('dist_test.sh', ['cfg.py', 'ckpt.pth', '2'])])
def test_launch_scripts_run_the_project_environment(tmp_path: Path, script: str, args: list) -> None:
    """The launchers run <repo>/.venv/bin/python when it exists, else python from PATH; PYTHON overrides."""
    repo = tmp_path / 'repo'
    for name in (script, 'find_python.sh'):
        (repo / 'tools').mkdir(parents=True, exist_ok=True)
        (repo / 'tools' / name).write_text((REPO_ROOT / 'tools' / name).read_text())
    _fake_python(tmp_path / 'bin' / 'python', 'path-python')
    env = {'PATH': f'{tmp_path / "bin"}:/usr/bin:/bin'}

    def launched(extra_env: dict) -> str:
        done = subprocess.run(['bash', str(repo / 'tools' / script), *args], capture_output=True, text=True,
                              env={**env, **extra_env}, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert launched({}).startswith('path-python -m torch.distributed.run')
    _fake_python(repo / '.venv' / 'bin' / 'python', 'venv-python')
    out = launched({})
    assert out.startswith('venv-python -m torch.distributed.run') and '--launcher pytorch' in out
    _fake_python(tmp_path / 'other' / 'python', 'chosen-python')
    assert launched({'PYTHON': str(tmp_path / 'other' / 'python')}).startswith('chosen-python')


def _dist_train(cfg_path: Path, nproc: int, work_dir: Path, port: int, nnodes: int = 1,
                node_rank: int = 0) -> subprocess.Popen:
    """Start ``tools/dist_train.sh`` as a user would on node ``node_rank`` of ``nnodes`` (rendezvous on this host)."""
    env = subprocess_env()
    env.update(PORT=str(port), NNODES=str(nnodes), NODE_RANK=str(node_rank), MASTER_ADDR='127.0.0.1')
    return subprocess.Popen(['bash', 'tools/dist_train.sh', str(cfg_path), str(nproc), '--work-dir', str(work_dir)],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(proc: subprocess.Popen, timeout: float = 600) -> None:
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, out[-4000:]


@pytest.mark.slow
def test_two_nodes_train_like_one_node_with_two_processes(tiny_synthetic_root: Path, tmp_path: Path) -> None:
    """Two launches with NNODES=2, NODE_RANK=0/1 (one process each) end where one 2-process launch ends:
    the same student, teacher and FlexMatch state in the checkpoint of global rank 0."""
    try:
        single_port, multi_port = free_port(), free_port()
    except OSError as err:
        pytest.skip(f'no free TCP port on 127.0.0.1 for the rendezvous: {err}')
    cfg = synthetic_config(REPO_ROOT / 'configs' / 'synthetic' / 'asl_1shot.py', tiny_synthetic_root, max_iters=3)
    num_classes = len((tiny_synthetic_root / 'classes.txt').read_text().split())
    cfg.model.recognizer.cls_head.num_classes = num_classes
    cfg.model.threshold.num_classes = num_classes
    cfg.log_level = 'INFO'  # the environment summary (world size) is logged at INFO
    cfg_path = tmp_path / 'semi_tiny.py'
    cfg.dump(str(cfg_path))

    _finish(_dist_train(cfg_path, 2, tmp_path / 'single', single_port))
    nodes = [_dist_train(cfg_path, 1, tmp_path / f'node{rank}', multi_port, nnodes=2, node_rank=rank)
             for rank in (0, 1)]
    for node in nodes:
        _finish(node)

    for run in ('single', 'node0'):
        log = next((tmp_path / run).glob('*/*.log')).read_text()
        assert 'Distributed training: True' in log and 'GPU number: 2' in log, run
    single = safe_torch_load(tmp_path / 'single' / 'iter_3.pth')['state_dict']
    multi = safe_torch_load(tmp_path / 'node0' / 'iter_3.pth')['state_dict']
    # rank 1 (node 1) saves no checkpoint, as on a real second machine
    assert not (tmp_path / 'node1' / 'iter_3.pth').exists()
    assert single.keys() == multi.keys()
    compared = [k for k in single if k.startswith(('student.', 'teacher.', 'threshold.'))]
    assert any(k.startswith('threshold.') for k in compared)
    for key in compared:
        assert torch.equal(single[key], multi[key]), key
