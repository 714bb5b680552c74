"""projects/audio_noise: the noise reaches the student's (and, in one variant, the labeled) sound only."""
import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmavssl.registry import TRANSFORMS
from toolbox_testing import REPO_ROOT

CONFIGS = REPO_ROOT / 'projects' / 'audio_noise' / 'configs'


def _audio_steps(pipeline: list) -> list:
    """The transforms of a branch up to and including its fbank."""
    names = [t['type'] for t in pipeline]
    return pipeline[:names.index('AudioFbank') + 1]


def _fbank(steps: list, wave: np.ndarray) -> np.ndarray:
    torch.manual_seed(0)
    results = dict(waveforms=wave.copy(), audio_sample_rate=16000)
    for step in steps:
        results = TRANSFORMS.build(step)(results)
    return results['audios']


@pytest.mark.parametrize('name, labeled_noised', [('asl_1shot_audio_noise.py', False),
                                                  ('asl_1shot_audio_noise_labeled.py', True)])
def test_only_the_noised_branches_hear_noise(name: str, labeled_noised: bool) -> None:
    cfg = Config.fromfile(CONFIGS / name)
    labeled, unlabeled = cfg.train_dataloader.dataset.datasets
    wrap_u = unlabeled.pipeline[1]
    assert [t['type'] for t in wrap_u.decode] == ['SampleFrames', 'AVDecode']
    assert wrap_u.decode[1].audio_margin == cfg.loc_window  # the localizer's window is cut from clean audio
    wave = (0.1 * np.sin(2 * np.pi * 440 * np.arange(32000) / 16000)).astype(np.float32)[None, None]
    clean = _fbank([dict(type='AudioFbank', num_mel_bins=128, target_length=cfg.fbank_length)], wave)
    forced = [dict(t, prob=1.0) if t['type'] == 'AudioNoise' else t for t in _audio_steps(wrap_u.unsup_strong)]
    assert np.allclose(_fbank(_audio_steps(wrap_u.unsup_weak), wave), clean)
    assert not np.allclose(_fbank(forced, wave), clean, atol=0.1)
    if labeled_noised:
        assert [t['type'] for t in labeled.pipeline[1].sup[:2]] == ['AudioNoise', 'AudioFbank']
    else:
        assert labeled == cfg.labeled_dataset


def test_the_start_with_noise_noises_before_the_fbank() -> None:
    cfg = Config.fromfile(CONFIGS / 'supervised_av_1shot_audio_noise.py')
    names = [t['type'] for t in cfg.train_dataloader.dataset.pipeline]
    assert names[:5] == ['AVInit', 'SampleFrames', 'AVDecode', 'AudioNoise', 'AudioFbank']
    assert cfg.train_dataloader.dataset.ann_file.endswith('train_labeled_1shot.txt')


def test_the_oracle_variant_keeps_the_noised_loader_and_filters_by_the_annotation(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO_ROOT / 'projects' / 'pseudo_label_oracle'))
    cfg = Config.fromfile(CONFIGS / 'asl_1shot_audio_noise_oracle.py')
    noised = Config.fromfile(CONFIGS / 'asl_1shot_audio_noise.py')
    assert cfg.train_dataloader == noised.train_dataloader
    assert cfg.model.threshold.type == 'AnnotationFilterThreshold'
    assert cfg.model.threshold.annotations == cfg.data_root + 'annotations.json'


def test_the_weak_view_variant_drowns_the_sound_of_an_otherwise_weak_student_view(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO_ROOT / 'projects' / 'pseudo_label_oracle'))
    cfg = Config.fromfile(CONFIGS / 'asl_1shot_audio_noise_oracle_weak_view.py')
    wrap_u = cfg.train_dataloader.dataset.datasets[1].pipeline[1]
    student = [t['type'] for t in wrap_u.unsup_strong]
    teacher = [t['type'] for t in wrap_u.unsup_weak]
    assert student[0] == 'AudioNoise' and student[1:] == teacher[:-2] + ['LocAudioWindow', 'FNACSpectrogram'] + \
        teacher[-2:]
    assert cfg.model.threshold.type == 'AnnotationFilterThreshold'
