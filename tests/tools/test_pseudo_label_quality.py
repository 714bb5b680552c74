"""tools/analysis/pseudo_label_quality.py: a dump and the annotations give the table of each group."""
import json
from pathlib import Path

import numpy as np
import pytest
from mmengine.fileio import dump

from toolbox_testing import load_script


def _tool():
    return load_script('tools/analysis/pseudo_label_quality.py')


def _data(tmp_path: Path) -> Path:
    names = ['videos/a.mp4', 'videos/b.mp4', 'videos/c.mp4']
    (tmp_path / 'annotations.json').write_text(json.dumps(
        {'videos': {n: {'sound_names_class': flag} for n, flag in zip(names, (True, True, False))}}))
    dump([dict(pred_score=np.array(s), gt_label=np.array([g]), filename=str(tmp_path / n))
          for s, g, n in zip(([0.99, 0.01], [0.2, 0.8], [0.97, 0.03]), (0, 1, 1), names)],
         str(tmp_path / 'dump.pkl'))
    return tmp_path


def test_table_splits_by_the_flag(tmp_path: Path, capsys) -> None:
    root = _data(tmp_path)
    _tool().main([str(root / 'dump.pkl'), '--annotations', str(root / 'annotations.json'), '--taus', '0.95'])
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].startswith('| all | 3 | 66.7 |') and lines[2].endswith('| 0.95 | 66.7 | 50.0 | 100.0 |')
    assert lines[3].startswith('| sound_names_class | 2 | 100.0 |') and lines[3].endswith('| 50.0 | 100.0 | 100.0 |')
    assert lines[4].startswith('| not sound_names_class | 1 | 0.0 |') and lines[4].endswith('| 100.0 | 0.0 | - |')


def test_a_clip_the_annotations_lack_is_named(tmp_path: Path) -> None:
    root = _data(tmp_path)
    (root / 'annotations.json').write_text(json.dumps({'videos': {}}))
    with pytest.raises(KeyError, match='videos/a.mp4'):
        _tool().main([str(root / 'dump.pkl'), '--annotations', str(root / 'annotations.json')])
