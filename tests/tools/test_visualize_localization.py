"""tools/analysis/visualize_localization.py and the overlay helpers write sensible PNGs."""
import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmavssl.evaluation.functional import draw_boxes, overlay_map

ROOT = Path(__file__).parents[2]
UCF = ROOT / '../shared/data/ucf_applyeyemakeup.avi'


def _tool():
    spec = importlib.util.spec_from_file_location('visualize_localization',
                                                  ROOT / 'tools/analysis/visualize_localization.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_overlay_puts_heat_where_the_map_peaks(tmp_path):
    frame = np.full((32, 48, 3), 128, np.uint8)
    loc_map = np.zeros((4, 6))
    loc_map[0, 0] = 1.0
    image = overlay_map(frame, loc_map, alpha=0.8)
    assert image.shape == frame.shape and image.dtype == np.uint8
    # jet: the peak is red, the minimum blue.
    assert image[0, 0, 0] > image[0, 0, 2] and image[-1, -1, 2] > image[-1, -1, 0]
    boxed = draw_boxes(image, [[8, 8, 20, 20]], color=(0, 255, 0), thickness=1)
    assert tuple(boxed[8, 12]) == (0, 255, 0) and not np.array_equal(boxed, image)
    path = tmp_path / 'overlay.png'
    assert cv2.imwrite(str(path), boxed[:, :, ::-1])
    np.testing.assert_array_equal(cv2.imread(str(path))[:, :, ::-1], boxed)


@pytest.mark.skipif(not UCF.is_file(), reason='shared UCF sample video not present')
def test_tool_writes_png_and_keeps_existing_files(tmp_path):
    tool = _tool()
    argv = [str(UCF), '--out-dir', str(tmp_path), '--visual-stage', '3', '--input-size', '64',
            '--boxes', '10', '20', '100', '120']
    with pytest.warns(UserWarning, match='checkpoint'):
        written = tool.main(argv)
    image = cv2.imread(written[0])
    assert Path(written[0]).name == 'ucf_applyeyemakeup_loc.png' and image.shape == (240, 320, 3)
    assert image.std() > 0
    with pytest.raises(FileExistsError, match='overwrite'), pytest.warns(UserWarning):
        tool.main(argv)


def test_audio_pipeline_follows_the_config():
    tool = _tool()
    default = tool.build_audio_pipeline(tool.parse_args(['v.mp4', '--out-dir', 'x']))
    assert default[0].window == 3.0 and default[1].nperseg == 512
    config = str(ROOT / 'configs/localizer/fnac_r18_synthetic.py')
    window, spectrogram = tool.build_audio_pipeline(tool.parse_args(['v.mp4', '--out-dir', 'x', '--config', config]))
    assert window.window == 0.3 and window.keep_single_frame and spectrogram.nperseg == 128
    assert not spectrogram.augment


def test_frame_size_follows_the_config_resize():
    tool = _tool()
    assert tool.config_frame_size(tool.parse_args(['v.mp4', '--out-dir', 'x'])) is None
    config = str(ROOT / 'configs/localizer/fnac_r18_synthetic.py')
    assert tool.config_frame_size(tool.parse_args(['v.mp4', '--out-dir', 'x', '--config', config])) == (64, 64)
