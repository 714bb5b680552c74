"""tools/analysis/visualize_masks.py (Fig. 3) on a tiny generated clip: the files, the map it used, no overwrite."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from mmavssl.apis import init_localizer, localize_video, read_frames
from mmavssl.synthetic import SyntheticAVConfig, generate_dataset
from mmavssl.evaluation.functional import upsample_map

from toolbox_testing import load_script

ROOT = Path(__file__).parents[2]
FRAME, PATCH = 64, 16


def _tool():
    return load_script('tools/analysis/visualize_masks.py')


@pytest.fixture(scope='module')
def tiny_set(tmp_path_factory):
    root = tmp_path_factory.mktemp('synth')
    cfg = SyntheticAVConfig(num_shapes=2, num_timbres=1, train_per_class=1, val_per_class=0, test_per_class=0,
                            width=64, height=64, fps=8, duration=1.0, num_distractors=1, shots=(1, ))
    generate_dataset(root, cfg)
    return root


def _run(tool, tiny_set, out_dir, *extra):
    argv = ['--ann-file', str(tiny_set / 'train_all.txt'), '--index', '0', '--out-dir', str(out_dir),
            '--model-config', str(ROOT / 'configs/_base_/models/vit_tiny_divided_video.py'),
            '--visual-stage', '3', '--input-size', str(FRAME), '--window', '1.0', '--seed', '3', *extra]
    return tool.main(argv)


def _corr(a, b):
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def test_video_comes_from_the_list_file(tiny_set):
    tool = _tool()
    with pytest.raises(ValueError, match='either'):
        tool.resolve_video()
    video = tool.resolve_video(ann_file=str(tiny_set / 'train_all.txt'), index=0)
    assert Path(video).is_file()
    with pytest.raises(ValueError, match='outside'):
        tool.resolve_video(ann_file=str(tiny_set / 'train_all.txt'), index=99)
    assert tool.frame_index(video, None) == (4, 8.0) and tool.frame_index(video, -1) == (7, 8.0)
    with pytest.raises(IndexError, match='8 frames'):
        tool.frame_index(video, 8)


def test_tool_writes_fig3_and_refuses_overwrite(tiny_set, tmp_path):
    tool = _tool()
    with pytest.warns(UserWarning, match='random weights'):
        paths = _run(tool, tiny_set, tmp_path)
    assert set(paths) == {'frame', 'tube_mask', 'tube_masked', 'tube_avg', 'loc_map', 'asl_mask', 'asl_masked',
                          'asl_avg', 'figure'}
    stem = Path(_tool().resolve_video(ann_file=str(tiny_set / 'train_all.txt'), index=0)).stem
    assert {Path(p).name for p in paths.values()} == {f'{stem}_{k}.png' for k in paths if k != 'figure'} | {
        f'{stem}_fig3.png'}
    images = {k: cv2.imread(p, cv2.IMREAD_UNCHANGED) for k, p in paths.items()}
    for key, image in images.items():
        assert image is not None, key
        if key != 'figure':
            assert image.shape[:2] == (FRAME, FRAME), key
    assert images['figure'].shape[0] > 300 and images['figure'].shape[1] > 500
    for key in ('tube_mask', 'asl_mask'):
        assert set(np.unique(images[key])) == {0, 255}
        # Nearest upsampling: every 16x16 token block is constant.
        blocks = images[key].reshape(4, PATCH, 4, PATCH)
        assert (blocks == blocks[:, :1, :, :1]).all()
    # Masked frame = the frame on kept tokens, grey elsewhere.
    keep = images['tube_mask'] == 255
    np.testing.assert_array_equal(images['tube_masked'][keep], images['frame'][keep])
    assert (images['tube_masked'][~keep] == 128).all()

    # TubeToken: uniform draws, the 255-mask average is flat (~ E[lam] = 0.5) up to sampling noise. ASL: the
    # average follows the (random-init but non-constant) localization map.
    tube_avg, asl_avg = images['tube_avg'] / 255.0, images['asl_avg'] / 255.0
    assert abs(tube_avg.mean() - 0.5) < 0.06 and tube_avg.std() < 0.06
    assert asl_avg.std() > 2 * tube_avg.std()
    # The map the tool used: same seed -> same random localizer; the middle frame (4 of 8 at 8 fps) as the test
    # pipeline decodes it.
    torch.manual_seed(3)
    with pytest.warns(UserWarning, match='random weights'):
        localizer = init_localizer(visual_stage=3, input_size=FRAME)
    video = _tool().resolve_video(ann_file=str(tiny_set / 'train_all.txt'), index=0)
    np.testing.assert_array_equal(read_frames(video, [0.5], size=(FRAME, FRAME))[0], images['frame'][:, :, ::-1])
    loc_map = localize_video(localizer, video, [0.5], window=1.0).maps[0]
    map_px = upsample_map(loc_map, (FRAME, FRAME), 'bilinear')
    assert _corr(asl_avg, map_px) > 0.6
    assert _corr(asl_avg, map_px) > _corr(tube_avg, map_px) + 0.3

    before = {k: Path(p).read_bytes() for k, p in paths.items()}
    with pytest.raises(FileExistsError, match='--overwrite'):
        _run(tool, tiny_set, tmp_path)
    assert all(Path(p).read_bytes() == before[k] for k, p in paths.items())
    # Same seed + --overwrite reproduces the same panels.
    with pytest.warns(UserWarning, match='random weights'):
        again = _run(tool, tiny_set, tmp_path, '--overwrite')
    for key in ('tube_mask', 'asl_mask', 'tube_avg', 'asl_avg', 'loc_map'):
        assert Path(again[key]).read_bytes() == before[key], key
