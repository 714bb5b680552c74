"""demo/demo.py on the tiny semi-supervised ASL checkpoint (tests/conftest.py): top-5 and the heatmap video."""
from pathlib import Path

import av
import decord
import numpy as np
import pytest

from toolbox_testing import load_script

ROOT = Path(__file__).resolve().parents[2]
UCF = ROOT / '../shared/data/ucf_applyeyemakeup.avi'


def _demo():
    return load_script('demo/demo.py', 'mmavssl_demo')


@pytest.fixture(scope='module')
def semi_config(tiny_checkpoints: dict, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """The ASL config as a file (the demo takes paths) and its checkpoint."""
    cfg, checkpoint = tiny_checkpoints['asl_1shot']
    path = tmp_path_factory.mktemp('demo_cfg') / 'asl_1shot.py'
    cfg.dump(str(path))
    return str(path), str(checkpoint)


def _audio(path: Path) -> tuple:
    """(samples per channel, sample rate, channels) of the first audio stream, decoded with PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return samples, stream.sample_rate, stream.channels


@pytest.mark.parametrize('video', ['synthetic', 'ucf'])
def test_demo_writes_heatmap_video_with_sound(video: str, semi_config: tuple, tiny_test_clip: Path,
                                              tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    source = tiny_test_clip if video == 'synthetic' else UCF
    if not source.is_file():
        pytest.skip('shared UCF sample video not present')
    out = tmp_path / 'out.mp4'
    prediction = _demo().main([*semi_config, str(source), '--out-filename', str(out)])
    # mmengine's checkpoint loader prints a line of its own
    printed = [line for line in capsys.readouterr().out.splitlines() if line[:1].isdigit()]
    assert len(printed) == len(prediction.names) == min(5, prediction.pred_score.numel())
    assert printed[0].startswith(f'1: {prediction.names[0]} (')
    written, original = decord.VideoReader(str(out)), decord.VideoReader(str(source))
    assert len(written) == len(original)
    assert written[0].shape == original[0].shape
    # The heatmap changes every frame's colours; the caption is white at the top left (legible at 320 x 240, not
    # on the 32-pixel synthetic frames).
    middle, plain = written[len(written) // 2].asnumpy(), original[len(original) // 2].asnumpy()
    assert np.abs(middle.astype(int) - plain).mean() > 10
    if video == 'ucf':
        assert (middle[:20, :80] > 220).all(axis=2).sum() > 20
    samples, rate, channels = _audio(out)
    src_samples, src_rate, src_channels = _audio(source)
    assert (rate, channels) == (src_rate, min(src_channels, 2))
    assert abs(samples - src_samples) < 0.05 * src_rate
    with pytest.raises(SystemExit):
        _demo().main([*semi_config, str(source), '--out-filename', str(out)])
    assert 'exists; pass --overwrite' in capsys.readouterr().err


def test_demo_needs_a_localizer_for_the_video(tiny_checkpoints: dict, tiny_test_clip: Path, tmp_path: Path) -> None:
    cfg, checkpoint = tiny_checkpoints['supervised_av']
    cfg.dump(str(tmp_path / 'av.py'))
    with pytest.raises(SystemExit, match='no sound-source localizer'):
        _demo().main([str(tmp_path / 'av.py'), str(checkpoint), str(tiny_test_clip), '--out-filename',
                      str(tmp_path / 'out.mp4')])
    assert not (tmp_path / 'out.mp4').exists()
