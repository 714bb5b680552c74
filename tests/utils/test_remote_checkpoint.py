"""No checkpoint scheme runs code: URLs, model-zoo names, object stores and unknown schemes load with
``weights_only=True`` and the allow-list, or are refused; ``--trust-checkpoint`` is the only opt-in.

A payload pickle is placed where each scheme's loader finds it without any network (torch.hub's cache under a
temporary ``$TORCH_HOME``, a fake object store), and the test checks that its marker file never appears.
"""
import os
import sys
import types
from pathlib import Path
from urllib.parse import urlparse

import pytest
import torch
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader, _load_checkpoint

from mmavssl.utils import checkpoint as checkpoint_module
from mmavssl.utils import trust_checkpoint

from toolbox_testing import REPO_ROOT, TOY_CONFIG, run_python, subprocess_env

URL = 'http://example.invalid/evilcache.pth'


class _WritesMarker:
    """Pickles as a call to ``os.system`` that creates a marker file, i.e. a checkpoint that runs code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}',)


def _plant(path: Path, marker: Path) -> Path:
    """Write a payload checkpoint at ``path`` (a valid state dict plus the code-running object)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({'state_dict': {'fc.weight': torch.zeros(4, 4)}, 'meta': _WritesMarker(marker)}, path)
    return path


def _cache_file(torch_home: Path, url: str) -> Path:
    """Where torch.hub (and so mmengine's and mmavssl's URL loaders) cache ``url``."""
    return torch_home / 'hub' / 'checkpoints' / os.path.basename(urlparse(url).path)


@pytest.fixture
def torch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / 'torch_home'
    monkeypatch.setenv('TORCH_HOME', str(home))
    monkeypatch.setattr(checkpoint_module, '_TRUSTED', set())
    return home


def _zoo_url(table: dict) -> tuple:
    """The first (name, http URL) of one of mmengine's model tables."""
    return next((name, url) for name, url in table.items() if url.startswith('http'))


def _scheme_cases() -> list:
    tv_name, tv_url = _zoo_url(mmengine_checkpoint.get_torchvision_models())
    mm_name, mm_url = _zoo_url(mmengine_checkpoint.get_external_models())
    cls_name, cls_url = _zoo_url(mmengine_checkpoint.get_mmcls_models())
    return [(URL, URL), ('https://example.invalid/sub/evil2.pth', 'https://example.invalid/sub/evil2.pth'),
            (f'torchvision://{tv_name}', tv_url), (f'modelzoo://{tv_name}', tv_url),
            (f'openmmlab://{mm_name}', mm_url), (f'open-mmlab://{mm_name}', mm_url),
            (f'mmcls://{cls_name}', cls_url)]


@pytest.mark.parametrize('path,url', _scheme_cases())
def test_cached_url_payload_never_runs(torch_home: Path, tmp_path: Path, path: str, url: str) -> None:
    marker = tmp_path / 'pwned'
    _plant(_cache_file(torch_home, url), marker)
    with pytest.raises(RuntimeError, match='Refused to load checkpoint') as info:
        _load_checkpoint(path, map_location='cpu')
    assert 'posix.system' in str(info.value) and '--trust-checkpoint' in str(info.value)
    assert not marker.exists()


def test_cached_url_weights_still_load(torch_home: Path) -> None:
    """Safety does not cost the feature: a plain weight file in the cache loads (no network needed)."""
    cached = _cache_file(torch_home, URL)
    cached.parent.mkdir(parents=True)
    torch.save({'state_dict': {'w': torch.ones(3)}}, cached)
    assert torch.equal(_load_checkpoint(URL, map_location='cpu')['state_dict']['w'], torch.ones(3))


def test_trusted_url_is_the_opt_in(torch_home: Path, tmp_path: Path) -> None:
    marker = tmp_path / 'ran'
    _plant(_cache_file(torch_home, URL), marker)
    trust_checkpoint(URL)
    _load_checkpoint(URL, map_location='cpu')
    assert marker.exists()


def test_object_store_payload_never_runs(torch_home: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / 'pwned'
    payload = _plant(tmp_path / 'remote.pth', marker).read_bytes()
    backend = types.SimpleNamespace(get=lambda filename: payload)
    monkeypatch.setattr(checkpoint_module, 'get_file_backend', lambda filename, backend_args: backend)
    for path in ('s3://bucket/evil.pth', 'petrel://bucket/evil.pth', 'open-mmlab:s3://bucket/evil.pth'):
        with pytest.raises(RuntimeError, match='Refused to load checkpoint'):
            _load_checkpoint(path, map_location='cpu')
    assert not marker.exists()


def test_pavi_payload_never_runs(torch_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / 'pwned'
    source = _plant(tmp_path / 'pavi_model.pth', marker)
    model = types.SimpleNamespace(name='model.pth', download=lambda dest: Path(dest).write_bytes(
        source.read_bytes()))
    pavi = types.ModuleType('pavi')
    pavi.modelcloud = types.SimpleNamespace(get=lambda name: model)
    monkeypatch.setitem(sys.modules, 'pavi', pavi)
    with pytest.raises(RuntimeError, match='Refused to load checkpoint'):
        _load_checkpoint('pavi://project/model', map_location='cpu')
    assert not marker.exists()


def test_scheme_registered_later_is_refused(torch_home: Path, tmp_path: Path) -> None:
    """A plugin's loader that unpickles fully (as mmengine's own do) is not handed out."""
    marker = tmp_path / 'pwned'
    payload = _plant(tmp_path / 'payload.pth', marker)

    def load_from_plugin(filename, map_location=None):
        return torch.load(payload, map_location=map_location, weights_only=False)

    CheckpointLoader.register_scheme(prefixes='plugin://', loader=load_from_plugin)
    try:
        with pytest.raises(RuntimeError, match='Refused to load checkpoint.*load_from_plugin'):
            _load_checkpoint('plugin://anything', map_location='cpu')
    finally:
        CheckpointLoader._schemes.pop('plugin://')
    assert not marker.exists()


@pytest.mark.slow
@pytest.mark.parametrize('how', ['test.py', 'load_from', 'resume'])
def test_tools_never_run_a_cached_url_payload(tmp_path: Path, how: str) -> None:
    torch_home, marker = tmp_path / 'torch_home', tmp_path / 'pwned'
    _plant(_cache_file(torch_home, URL), marker)
    if how == 'test.py':
        args = ['tools/test.py', TOY_CONFIG, URL]
    elif how == 'load_from':
        args = ['tools/train.py', TOY_CONFIG, '--cfg-options', f'load_from={URL}']
    else:
        args = ['tools/train.py', TOY_CONFIG, '--resume', URL]
    env = subprocess_env()
    env['TORCH_HOME'] = str(torch_home)
    done = run_python([*args, '--work-dir', tmp_path / 'work'], cwd=REPO_ROOT, env=env)
    assert done.returncode != 0
    assert 'Refused to load checkpoint' in done.stderr and URL in done.stderr, done.stderr[-3000:]
    assert not marker.exists()
