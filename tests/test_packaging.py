"""The built wheel ships every subpackage of mmavssl (mmaction2 1.2.0's wheel lost ``localizers/drn``)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _source_packages() -> list:
    """Dotted names of every folder under ``mmavssl/`` holding Python files."""
    return sorted('.'.join(d.relative_to(ROOT).parts) for d in (ROOT / 'mmavssl').rglob('*')
                  if d.is_dir() and d.name != '__pycache__' and any(d.glob('*.py'))) + ['mmavssl']


def test_every_source_package_has_an_init() -> None:
    missing = [p for p in _source_packages() if not (ROOT / p.replace('.', '/') / '__init__.py').is_file()]
    assert not missing, f'folders without __init__.py are left out of the wheel: {missing}'


@pytest.mark.slow
def test_wheel_installs_and_imports_every_subpackage(tmp_path: Path) -> None:
    # Build from a copy so that build/ and *.egg-info never land in the checkout.
    src = tmp_path / 'src'
    src.mkdir()
    for name in ('setup.py', 'README.md'):
        shutil.copy(ROOT / name, src / name)
    for name in ('requirements', 'mmavssl'):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns('__pycache__'))
    pip = [sys.executable, '-m', 'pip', '--disable-pip-version-check', '-q']
    subprocess.run([*pip, 'wheel', '--no-deps', '--no-build-isolation', '-w', tmp_path / 'dist', src],
                   check=True, capture_output=True, timeout=300)
    wheels = list((tmp_path / 'dist').glob('mmavssl-*.whl'))
    assert len(wheels) == 1
    target = tmp_path / 'site'
    subprocess.run([*pip, 'install', '--no-deps', '--target', target, wheels[0]], check=True,
                   capture_output=True, timeout=300)
    packages = _source_packages()
    script = ('import importlib, sys, mmavssl\n'
              'print(mmavssl.__file__)\n'
              'for name in sys.argv[1:]:\n'
              '    importlib.import_module(name)\n')
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    env['PYTHONPATH'] = str(target)
    done = subprocess.run([sys.executable, '-c', script, *packages], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.splitlines()[0]).is_relative_to(target)
    assert len(packages) >= 20
