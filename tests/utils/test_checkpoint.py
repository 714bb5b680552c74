"""Checkpoints under torch >= 2.6: exact resume, load_from, refusal of code-running pickles, trust opt-in."""
import os
from pathlib import Path

import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import _load_checkpoint

from mmavssl.utils import SAFE_GLOBALS, safe_torch_load, trust_checkpoint
from mmavssl.utils import checkpoint as checkpoint_module

from toolbox_testing import REPO_ROOT, run_python, runner_log, toy_runner

SAFE_NAMES = {f'{g.__module__}.{g.__qualname__}' for g in SAFE_GLOBALS}


class _WritesMarker:
    """Pickles as a call to ``os.system`` that creates a marker file, i.e. a checkpoint that runs code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}',)


@pytest.fixture(scope='module')
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Train 8 iterations straight, and 6 + resume + 2 in a second work dir; test both."""
    root = tmp_path_factory.mktemp('round_trip')
    straight = toy_runner(root / 'straight')
    straight.train()
    straight_metrics = straight.test()
    first = toy_runner(root / 'resumed', {'train_cfg.max_iters': 6})
    first.train()
    second = toy_runner(root / 'resumed', {'resume': True})
    second.train()
    return dict(straight=straight, straight_metrics=straight_metrics, resumed=second,
                resumed_metrics=second.test(), root=root)


def test_resume_equals_uninterrupted_run(round_trip: dict) -> None:
    straight, resumed = round_trip['straight'], round_trip['resumed']
    assert 'resumed epoch: 0, iter: 6' in runner_log(resumed)
    assert resumed.iter == straight.iter == 8
    expected, actual = straight.model.state_dict(), resumed.model.state_dict()
    assert expected.keys() == actual.keys()
    for key in expected:
        assert torch.equal(expected[key], actual[key]), key
    initial = toy_runner(round_trip['root'] / 'untrained').model.state_dict()
    assert not torch.equal(initial['fc.weight'], actual['fc.weight'])
    # Momentum buffers and the lr schedule (milestone at iteration 6) came back from the checkpoint too.
    ckpt_a = safe_torch_load(Path(straight.work_dir) / 'iter_8.pth')
    ckpt_b = safe_torch_load(Path(resumed.work_dir) / 'iter_8.pth')
    for buf_a, buf_b in zip(ckpt_a['optimizer']['state'].values(), ckpt_b['optimizer']['state'].values()):
        assert torch.equal(buf_a['momentum_buffer'], buf_b['momentum_buffer'])
    assert ckpt_b['optimizer']['param_groups'][0]['lr'] == pytest.approx(0.05)
    assert round_trip['resumed_metrics'] == round_trip['straight_metrics']


def test_load_from_restores_weights(round_trip: dict, tmp_path: Path) -> None:
    ckpt = Path(round_trip['straight'].work_dir) / 'iter_8.pth'
    runner = toy_runner(tmp_path, {'load_from': str(ckpt)})
    metrics = runner.test()
    assert metrics == round_trip['straight_metrics']
    trained = round_trip['straight'].model.state_dict()
    for key, value in runner.model.state_dict().items():
        assert torch.equal(value, trained[key]), key


def test_allow_list_covers_runner_checkpoints(round_trip: dict) -> None:
    ckpt = Path(round_trip['resumed'].work_dir) / 'iter_8.pth'
    unsafe = set(torch.serialization.get_unsafe_globals_in_checkpoint(str(ckpt)))
    assert 'mmengine.logging.history_buffer.HistoryBuffer' in unsafe
    assert unsafe <= SAFE_NAMES, unsafe - SAFE_NAMES
    assert 'builtins.getattr' not in unsafe
    # The message hub's buffers come back with working statistics although getattr was not pickled.
    buffer = safe_torch_load(ckpt)['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.statistics('mean') == pytest.approx(float(buffer.data[0].mean()))


def test_code_running_checkpoint_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'meta': _WritesMarker(marker)}, path)
    with pytest.raises(RuntimeError, match='--trust-checkpoint') as info:
        _load_checkpoint(str(path), map_location='cpu')
    assert str(path) in str(info.value) and 'posix.system' in str(info.value)
    assert not marker.exists()


def test_trusted_file_may_run_its_pickle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The opt-in is real: a trusted file is unpickled fully (so the refusal above is what protects)."""
    monkeypatch.setattr(checkpoint_module, '_TRUSTED', set())
    marker = tmp_path / 'ran'
    path = tmp_path / 'trusted.pth'
    torch.save({'meta': _WritesMarker(marker)}, path)
    trust_checkpoint(path)
    _load_checkpoint(str(path), map_location='cpu')
    assert marker.exists()


def test_trust_opt_in_loads_plain_mmengine_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoint_module, '_TRUSTED', set())
    path = tmp_path / 'plain_mmengine.pth'
    # Written by a python that never imports mmavssl, so the buffer pickles its statistics methods.
    writer = ('import sys, torch; from mmengine.logging import HistoryBuffer; b = HistoryBuffer(); '
              'b.update(2.0); b.update(4.0); '
              'torch.save({"state_dict": {"w": torch.ones(2)}, "message_hub": {"log_scalars": {"loss": b}}}, '
              'sys.argv[1])')
    done = run_python(['-c', writer, path], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert 'builtins.getattr' in torch.serialization.get_unsafe_globals_in_checkpoint(str(path))
    with pytest.raises(RuntimeError, match='builtins.getattr'):
        _load_checkpoint(str(path), map_location='cpu')
    trust_checkpoint(path)
    loaded = _load_checkpoint(str(path), map_location='cpu')
    assert torch.equal(loaded['state_dict']['w'], torch.ones(2))
    assert loaded['message_hub']['log_scalars']['loss'].mean() == 3.0


def test_missing_checkpoint_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match='absent.pth'):
        safe_torch_load(tmp_path / 'absent.pth')


@pytest.mark.parametrize('content', [b'not a checkpoint', 'half'])
def test_unreadable_checkpoint_names_the_file(round_trip: dict, tmp_path: Path, content) -> None:
    if content == 'half':
        whole = (Path(round_trip['straight'].work_dir) / 'iter_8.pth').read_bytes()
        content = whole[:len(whole) // 2]
    path = tmp_path / 'broken.pth'
    path.write_bytes(content)
    with pytest.raises(RuntimeError, match='corrupt, truncated') as info:
        _load_checkpoint(str(path), map_location='cpu')
    assert str(path) in str(info.value)


def test_legacy_pickle_is_refused_for_safety_with_the_way_out(tmp_path: Path) -> None:
    marker, path = tmp_path / 'pwned', tmp_path / 'legacy.pth'
    torch.save({'state_dict': {}, 'meta': _WritesMarker(marker)}, path, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match='legacy-format torch checkpoint') as info:
        _load_checkpoint(str(path), map_location='cpu')
    assert 'for safety' in str(info.value) and f'--trust-checkpoint {path}' in str(info.value)
    assert 'converted.pth' in str(info.value) and 'corrupt' not in str(info.value)
    assert not marker.exists()
    # A legacy file of plain tensors is fine: weights_only reads that format too.
    torch.save({'state_dict': {'w': torch.ones(2)}}, path, _use_new_zipfile_serialization=False)
    assert torch.equal(safe_torch_load(path)['state_dict']['w'], torch.ones(2))


def test_text_file_named_pth_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / 'page.pth'
    path.write_text('<html>404 Not Found</html>\n')
    with pytest.raises(RuntimeError, match=r"not a torch checkpoint: it starts with b'<html>40'") as info:
        _load_checkpoint(str(path), map_location='cpu')
    assert str(path) in str(info.value)


def test_convert_tool_has_the_trust_flag_its_refusal_names(tmp_path: Path) -> None:
    marker, path = tmp_path / 'ran', tmp_path / 'vit.pth'
    torch.save({'model': {}, 'meta': _WritesMarker(marker)}, path)
    refused = run_python(['tools/convert/to_mmavssl.py', 'timm_vit', path, tmp_path / 'out.pth'], cwd=REPO_ROOT)
    assert refused.returncode != 0 and 'a plain `--trust-checkpoint` flag in tools/test.py' in refused.stderr
    assert 'tools/convert/to_mmavssl.py' in refused.stderr and not marker.exists()
    trusted = run_python(['tools/convert/to_mmavssl.py', 'timm_vit', path, tmp_path / 'out.pth', '--trust-checkpoint'],
                         cwd=REPO_ROOT)
    assert 'unrecognized arguments' not in trusted.stderr and marker.exists()
