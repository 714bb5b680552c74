"""SubsetAccuracy: top-1 on the clips a ground-truth flag marks and on the others."""
import json

import numpy as np
import pytest

from mmavssl.evaluation.metrics import SubsetAccuracy


def _write_set(root, flags):
    root.mkdir(parents=True)
    videos = {f'videos/c{i}.mp4': dict(sound_names_class=flag) for i, flag in enumerate(flags)}
    (root / 'annotations.json').write_text(json.dumps(dict(videos=videos)))
    return [str(root / rel) for rel in videos]


@pytest.mark.parametrize('explicit', [True, False])
def test_accuracy_per_subset_with_given_or_found_annotations(tmp_path, explicit):
    files = _write_set(tmp_path / 'set', [True, True, False, False, False])
    metric = SubsetAccuracy(annotations=str(tmp_path / 'set' / 'annotations.json') if explicit else None)
    preds = [0, 1, 0, 0, 1]  # correct, wrong | correct, correct, wrong
    metric.process({}, [dict(pred_score=np.eye(2)[p], gt_label=0, filename=f) for p, f in zip(preds, files)])
    out = metric.compute_metrics(metric.results)
    assert out == {'sound_names_class': 0.5, 'sound_ambiguous': pytest.approx(2 / 3)}


def test_a_clip_outside_the_annotations_is_an_error(tmp_path):
    _write_set(tmp_path / 'set', [True])
    other = tmp_path / 'set' / 'videos' / 'unknown.mp4'
    metric = SubsetAccuracy()
    with pytest.raises(KeyError, match='is not a clip of'):
        metric.process({}, [dict(pred_score=np.eye(2)[0], gt_label=0, filename=str(other))])
    with pytest.raises(FileNotFoundError, match='no annotations.json'):
        SubsetAccuracy().process({}, [dict(pred_score=np.eye(2)[0], gt_label=0, filename='/nowhere/x.mp4')])
