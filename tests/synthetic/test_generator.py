"""Tests of the synthetic audio-visual dataset: determinism, decodable files, ground truth, balance."""
from collections import Counter
from pathlib import Path

import av
import numpy as np
import pytest

from mmavssl.datasets.splits import read_list
from mmavssl.synthetic import (ClipSpec, SyntheticAVConfig, generate_dataset, load_annotations,
                                        render_clip, verify_dataset)

TINY = SyntheticAVConfig(num_shapes=2, num_timbres=2, train_per_class=3, val_per_class=1, test_per_class=1,
                         width=64, height=64, fps=12, duration=2.0, shots=(1, 2), distractor_pulses=True)


@pytest.fixture(scope='module')
def tiny_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A tiny dataset with out-of-sync flashing distractors (the hard case for ground truth)."""
    root = tmp_path_factory.mktemp('synth') / 'set'
    return root, generate_dataset(root, TINY)


def _decode(path: Path) -> tuple[np.ndarray, np.ndarray, int]:
    """Frames (T, H, W, 3) uint8, mono audio (N,) float and sample rate of a file."""
    with av.open(str(path)) as c:
        frames = np.stack([f.to_ndarray(format='rgb24') for f in c.decode(video=0)])
    with av.open(str(path)) as c:
        sr = c.streams.audio[0].codec_context.sample_rate
        audio = np.concatenate([f.to_ndarray().reshape(-1) for f in c.decode(audio=0)])
    return frames, audio, sr


def test_same_seed_same_bytes_other_seed_differs(tiny_set, tmp_path):
    root, manifest = tiny_set
    again = generate_dataset(tmp_path / 'again', TINY, workers=2)
    assert not again['reused']
    assert again['content_hash'] == manifest['content_hash']
    assert again['files'] == manifest['files']
    other = generate_dataset(tmp_path / 'other', SyntheticAVConfig(**{**TINY.__dict__, 'seed': 1}))
    assert other['content_hash'] != manifest['content_hash']
    assert (tmp_path / 'again' / 'annotations.json').read_bytes() == (root / 'annotations.json').read_bytes()


def test_layout_lists_and_class_balance(tiny_set):
    root, manifest = tiny_set
    classes = (root / 'classes.txt').read_text().split()
    assert classes == ['circle_low_tone', 'circle_high_tone', 'square_low_tone', 'square_high_tone']
    train = read_list(root / 'train_all.txt', num_classes=4)
    assert Counter(e.label for e in train) == {c: 3 for c in range(4)}
    for name, per_class in [('val.txt', 1), ('test.txt', 1)]:
        assert Counter(e.label for e in read_list(root / name)) == {c: per_class for c in range(4)}
    for k in TINY.shots:
        labeled = read_list(root / f'train_labeled_{k}shot.txt')
        unlabeled = read_list(root / f'train_unlabeled_{k}shot.txt')
        assert Counter(e.label for e in labeled) == {c: k for c in range(4)}
        assert not {e.path for e in labeled} & {e.path for e in unlabeled}
        assert sorted(labeled + unlabeled) == sorted(train)
    for entry in train:
        assert classes[entry.label] in entry.path and (root / entry.path).is_file()
    assert len(manifest['files']) == 4 * 5 + 3 + 2 * len(TINY.shots) + 2  # videos, lists, classes + annotations


def test_files_decode_with_aligned_audio(tiny_set):
    root, _ = tiny_set
    ann = load_annotations(root)
    rel = sorted(ann['videos'])[0]
    v = ann['videos'][rel]
    frames, audio, sr = _decode(root / rel)
    assert frames.shape == (TINY.num_frames, 64, 64, 3) and sr == TINY.sample_rate
    assert len(audio) >= TINY.num_samples
    spec = ClipSpec(v['split'], v['label'], int(rel[-8:-4]))
    clip = render_clip(TINY, spec)
    assert np.abs(frames.astype(float) - clip.frames).mean() < 3  # lossy H.264, near-lossless crf
    # Lag of the decoded audio against the rendered waveform: 0 means the AAC priming was compensated.
    ref = clip.audio
    dec = audio[:len(ref)]
    xc = np.fft.irfft(np.fft.rfft(dec, 2 * len(ref)) * np.conj(np.fft.rfft(ref, 2 * len(ref))))
    lags = np.r_[np.arange(0, 2048), np.arange(-2048, 0)]
    lag = lags[np.argmax(np.r_[xc[:2048], xc[-2048:]])]
    assert lag == 0
    assert np.corrcoef(dec, ref)[0, 1] > 0.9


def _box_brightness(frames: np.ndarray, boxes: list) -> np.ndarray:
    """Mean luminance (T,) inside each frame's box."""
    out = []
    for img, (x1, y1, x2, y2) in zip(frames, boxes):
        patch = img[int(y1):int(np.ceil(y2)), int(x1):int(np.ceil(x2))].astype(float)
        out.append(patch.mean())
    return np.array(out)


def test_labelled_source_is_the_object_synchronised_with_the_sound(tiny_set):
    root, _ = tiny_set
    ann = load_annotations(root)
    fps, sr = ann['fps'], ann['sample_rate']
    source_corr, distractor_corr = [], []
    for rel, v in ann['videos'].items():
        frames, audio, _ = _decode(root / rel)
        # Audio energy in the first 40 ms after each frame's time stamp (flash and burst both decay ~120 ms).
        env = np.array([np.sqrt(np.mean(audio[int(i / fps * sr):int((i / fps + 0.04) * sr)]**2))
                        for i in range(len(frames))])
        source_corr.append(np.corrcoef(env, _box_brightness(frames, v['source_boxes']))[0, 1])
        assert len(v['source_boxes']) == len(frames)
        assert v['distractors'] and all(d['shape'] != v['shape'] for d in v['distractors'])
        distractor_corr += [np.corrcoef(env, _box_brightness(frames, d['boxes']))[0, 1] for d in v['distractors']]
    assert min(source_corr) > 0.9, source_corr
    assert np.median(distractor_corr) < 0.2, distractor_corr
    assert np.mean(np.array(distractor_corr) < min(source_corr)) > 0.9


def test_class_factors_label_the_sounding_object_and_timbre(tiny_set):
    root, _ = tiny_set
    ann = load_annotations(root)
    for v in ann['videos'].values():
        assert ann['classes'][v['label']] == f'{v["shape"]}_{v["timbre"]}'
        boxes = np.array(v['source_boxes'])
        assert (boxes[:, 0] < boxes[:, 2]).all() and (boxes[:, 1] < boxes[:, 3]).all()
        assert boxes.min() >= 0 and boxes[:, 2].max() <= 64 and boxes[:, 3].max() <= 64
        # The source swells at its events: boxes are larger at onset frames than on average.
        area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        assert area[v['source_onsets']].mean() > area.mean()


def test_reuse_refuse_and_overwrite(tiny_set, tmp_path):
    root, manifest = tiny_set
    assert generate_dataset(root, TINY)['reused']
    assert verify_dataset(root, TINY) and not verify_dataset(root, SyntheticAVConfig())
    target = tmp_path / 'mine'
    target.mkdir()
    (target / 'notes.txt').write_text('user file')
    with pytest.raises(FileExistsError, match='--overwrite'):
        generate_dataset(target, TINY)
    small = SyntheticAVConfig(**{**TINY.__dict__, 'train_per_class': 2, 'shots': (1,)})
    generate_dataset(target, TINY, overwrite=True)
    rel = next(r for r in manifest['files'] if r.endswith('.mp4'))
    (target / rel).write_bytes(b'broken')  # a damaged set is neither reused nor silently replaced
    with pytest.raises(FileExistsError):
        generate_dataset(target, TINY)
    result = generate_dataset(target, small, overwrite=True)
    assert not result['reused'] and verify_dataset(target, small)
    assert (target / 'notes.txt').read_text() == 'user file'
    assert not (target / 'train_labeled_2shot.txt').exists()  # stale outputs of the old set are removed


@pytest.mark.parametrize('bad', [dict(width=63), dict(num_shapes=1), dict(sample_rate=4000),
                                 dict(shots=(5,), train_per_class=3)])
def test_invalid_config_raises(bad):
    with pytest.raises(ValueError, match='SyntheticAVConfig'):
        SyntheticAVConfig(**{**TINY.__dict__, **bad})


def test_presets_source_timbres_are_no_benchmark_class_timbre():
    from mmavssl.synthetic import BENCHMARK_PRESET, SOURCE_PRESET
    bench, source = SyntheticAVConfig(**BENCHMARK_PRESET), SyntheticAVConfig(**SOURCE_PRESET)
    assert bench.classes == ['circle_low_tone', 'square_high_tone', 'triangle_chirp', 'star_buzz']
    assert len(source.classes) == 4 and not set(bench.class_timbres) & set(source.class_timbres)
    # distractors never share a shape with a benchmark class: a class shape in view is the sounding one
    assert not set(bench.distractor_pool) & set(bench.class_shapes)
    clip = render_clip(bench, ClipSpec('train', label=3, index=0))
    assert {d['shape'] for d in clip.distractors} <= set(bench.distractor_pool)


def test_named_factors_and_object_size_are_validated():
    with pytest.raises(ValueError, match='num_shapes=3 but shapes names 2'):
        SyntheticAVConfig(shapes=('ring', 'star'))
    with pytest.raises(ValueError, match='distinct names'):
        SyntheticAVConfig(num_timbres=2, timbres=('buzz', 'whistle'))
    with pytest.raises(ValueError, match='object_size'):
        SyntheticAVConfig(object_size=(0.2, 0.1))
    big = SyntheticAVConfig(object_size=(0.16, 0.16), num_distractors=0)
    box = render_clip(big, ClipSpec('train', 0, 0)).source_boxes[0]
    # at rest (no flash in frame 0 unless an event starts there) the box is 2 * 0.16 * 112 wide, or swollen
    assert 2 * 0.16 * 112 - 1 <= box[2] - box[0] <= 2 * 0.16 * 112 * 1.35 + 1 or box[0] == 0 or box[2] == 112


def test_paired_classes_and_ambiguous_sound_keep_the_video_and_swap_only_the_timbre():
    paired = SyntheticAVConfig(class_factors='paired', num_shapes=3, num_timbres=3, ambiguous_sound=0.5,
                               timbres=('low_tone', 'high_tone', 'chirp'), width=64, height=64, duration=1.5)
    assert paired.classes == ['circle_low_tone', 'square_high_tone', 'triangle_chirp']
    clean = SyntheticAVConfig(**{**paired.__dict__, 'ambiguous_sound': 0.0})
    specs = [ClipSpec('train', label, i) for label in range(3) for i in range(12)]
    flags = [s.sound_names_class(paired) for s in specs]
    assert 0.25 < np.mean(flags) < 0.75 and all(s.sound_names_class(clean) for s in specs)
    for spec, flag in zip(specs[:8], flags):
        a, b = render_clip(paired, spec), render_clip(clean, spec)
        assert paired.factors(spec.label) == (paired.class_shapes[spec.label], paired.class_timbres[spec.label])
        np.testing.assert_array_equal(a.frames, b.frames)  # the sound choice never moves a pixel
        assert a.source_onsets == b.source_onsets
        assert a.timbre == (paired.factors(spec.label)[1] if flag else 'noise')
        assert np.array_equal(a.audio, b.audio) == flag


@pytest.mark.parametrize('bad, match', [
    (dict(class_factors='paired', num_shapes=3, num_timbres=2), 'num_shapes == num_timbres'),
    (dict(class_factors='grid'), "'product' or 'paired'"),
    (dict(ambiguous_sound=0.5, ambiguous_timbre='low_tone'), 'no class uses'),
    (dict(ambiguous_sound=1.5), 'probability'),
])
def test_paired_and_ambiguous_options_are_validated(bad, match):
    with pytest.raises(ValueError, match=match):
        SyntheticAVConfig(**bad)


def test_clean_labeled_draws_exemplars_whose_sound_names_the_class(tmp_path):
    cfg = SyntheticAVConfig(class_factors='paired', num_shapes=2, num_timbres=2, ambiguous_sound=0.6,
                            clean_labeled=True, train_per_class=8, val_per_class=1, test_per_class=1, width=32,
                            height=32, duration=1.0, shots=(1, 2))
    root = tmp_path / 'set'
    generate_dataset(root, cfg)
    ann = load_annotations(root)['videos']
    train = {e.path for e in read_list(root / 'train_all.txt')}
    assert 0 < np.mean([ann[p]['sound_names_class'] for p in train]) < 1
    for k in (1, 2):
        labeled = read_list(root / f'train_labeled_{k}shot.txt')
        unlabeled = {e.path for e in read_list(root / f'train_unlabeled_{k}shot.txt')}
        assert Counter(e.label for e in labeled) == {0: k, 1: k}
        assert all(ann[e.path]['sound_names_class'] for e in labeled)
        assert unlabeled == train - {e.path for e in labeled}  # every other clip, ambiguous ones included


def _peak_hz(audio: np.ndarray, sample_rate: int, onset_s: float) -> float:
    """Frequency of the strongest spectral line in the first 0.2 s of the burst starting at ``onset_s``."""
    start = int(onset_s * sample_rate)
    seg = audio[start:start + int(0.2 * sample_rate)] * np.hanning(int(0.2 * sample_rate))
    spec = np.abs(np.fft.rfft(seg))
    return float(np.fft.rfftfreq(len(seg), 1 / sample_rate)[spec.argmax()])


def test_pitch_spread_shifts_every_frequency_of_the_timbre_and_nothing_else():
    base = SyntheticAVConfig(num_shapes=2, num_timbres=1, width=64, height=64, duration=1.5, num_distractors=0)
    spread = SyntheticAVConfig(**{**base.__dict__, 'pitch_spread': 2.0})
    specs = [ClipSpec('train', label, i) for label in range(2) for i in range(10)]
    pitches = np.array([s.pitch(spread) for s in specs])
    assert all(s.pitch(base) == 1.0 for s in specs)
    assert pitches.min() >= 0.5 and pitches.max() <= 2.0 and pitches.min() < 0.8 and pitches.max() > 1.25
    for spec, pitch in zip(specs[:4], pitches):
        a, b = render_clip(base, spec), render_clip(spread, spec)
        np.testing.assert_array_equal(a.frames, b.frames)  # the pitch never moves a pixel
        assert a.pitch == 1.0 and b.pitch == pitch
        onset = b.source_onsets[0] / base.fps
        # low_tone's fundamental: 300 Hz, times the clip's pitch (5 Hz bins of the 0.2 s window)
        assert abs(_peak_hz(a.audio, base.sample_rate, onset) - 300) <= 5
        assert abs(_peak_hz(b.audio, base.sample_rate, onset) - 300 * pitch) <= 5
    # a set without the option keeps the manifest of one made before the option existed
    from mmavssl.synthetic.generator import _params
    assert 'pitch_spread' not in _params(base) and _params(spread)['pitch_spread'] == 2.0
    with pytest.raises(ValueError, match='pitch_spread'):
        SyntheticAVConfig(pitch_spread=3.0)
