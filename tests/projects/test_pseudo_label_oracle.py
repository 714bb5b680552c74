"""The oracle diagnostic of projects/pseudo_label_oracle: the wrapped mask times the annotation flag."""
import json
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmavssl.registry import MODELS
from toolbox_testing import REPO_ROOT

PLUGIN_ROOT = REPO_ROOT / 'projects' / 'pseudo_label_oracle'


def _files(tmp_path: Path, flags=(True, False, True)) -> dict:
    names = [f'videos/c{i}.mp4' for i in range(len(flags))]
    (tmp_path / 'unlabeled.txt').write_text(''.join(f'{n} 0\n' for n in names))
    (tmp_path / 'annotations.json').write_text(json.dumps(
        {'videos': {n: {'sound_names_class': f} for n, f in zip(names, flags)}}))
    return dict(ann_file=str(tmp_path / 'unlabeled.txt'), annotations=str(tmp_path / 'annotations.json'))


@pytest.fixture
def plugin(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(PLUGIN_ROOT))
    import pseudo_label_oracle
    return pseudo_label_oracle


def test_mask_is_the_wrapped_mask_where_the_flag_holds(plugin, tmp_path: Path) -> None:
    thr = MODELS.build(dict(type='AnnotationFilterThreshold', threshold=dict(type='FixedThreshold', tau=0.9),
                            **_files(tmp_path)))
    probs = torch.tensor([[0.95, 0.05], [0.99, 0.01], [0.6, 0.4], [0.97, 0.03]])
    idx = torch.tensor([0, 1, 2, 2])
    assert thr(probs, idx).tolist() == [1.0, 0.0, 0.0, 1.0]  # clip 1 is flagged out, clip 2's first view unsure
    assert thr.class_thresholds().tolist() == pytest.approx([0.9])
    with pytest.raises(ValueError, match='sample_idx'):
        thr(probs)


def test_a_clip_without_annotation_is_named(plugin, tmp_path: Path) -> None:
    files = _files(tmp_path)
    (tmp_path / 'annotations.json').write_text(json.dumps({'videos': {}}))
    with pytest.raises(KeyError, match='videos/c0.mp4'):
        MODELS.build(dict(type='AnnotationFilterThreshold', threshold=dict(type='FixedThreshold'), **files))


def test_config_wraps_the_asl_recipe() -> None:
    cfg = Config.fromfile(str(PLUGIN_ROOT / 'configs' / 'asl_1shot_sound_names_class_only.py'),
                          import_custom_modules=False)
    assert cfg.custom_imports.imports == ['pseudo_label_oracle']
    assert cfg.model.threshold.type == 'AnnotationFilterThreshold'
    assert cfg.model.threshold.ann_file == cfg.train_dataloader.dataset.datasets[1].ann_file
    assert cfg.model.type == Config.fromfile(str(REPO_ROOT / 'configs/synthetic/asl_1shot.py')).model.type


@pytest.mark.parametrize('name, oracle', [('asl_1shot_weak_view.py', False),
                                          ('asl_1shot_sound_names_class_only_weak_view.py', True)])
def test_weak_view_configs_give_the_student_the_teachers_view(name: str, oracle: bool) -> None:
    cfg = Config.fromfile(str(PLUGIN_ROOT / 'configs' / name), import_custom_modules=False)
    branches = cfg.train_dataloader.dataset.datasets[1].pipeline[1]
    student = [t['type'] for t in branches['unsup_strong']]
    assert [t for t in student if t not in ('LocAudioWindow', 'FNACSpectrogram')] == \
        [t['type'] for t in branches['unsup_weak']]
    assert 'LocAudioWindow' in student and 'ClipRandAugment' not in student
    assert (cfg.model.threshold.type == 'AnnotationFilterThreshold') == oracle
