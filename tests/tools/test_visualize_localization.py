"""tools/analysis/visualize_localization.py writes one overlay PNG per video and keeps existing files."""
from pathlib import Path

import cv2
import pytest

from toolbox_testing import load_script

ROOT = Path(__file__).parents[2]
UCF = ROOT / '../shared/data/ucf_applyeyemakeup.avi'


def _tool():
    return load_script('tools/analysis/visualize_localization.py')


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
    before = Path(written[0]).read_bytes()
    with pytest.raises(FileExistsError, match='overwrite'):
        tool.main(argv)
    assert Path(written[0]).read_bytes() == before
