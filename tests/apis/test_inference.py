"""mmavssl.apis.inference on tiny trained checkpoints (tests/conftest.py): supervised AV, video-only and
semi-supervised ASL."""
from pathlib import Path

import av
import numpy as np
import pytest
import torch

from mmengine.config import Config

from mmavssl.apis import (inference_recognizer, init_localizer, init_recognizer, localize_video,
                          localizer_transforms, read_frames, video_info)
from mmavssl.datasets.av_dataset import read_class_names
from mmavssl.datasets.transforms import AVInit
from mmavssl.utils import safe_torch_load

UCF = Path(__file__).resolve().parents[2] / '../shared/data/ucf_applyeyemakeup.avi'
LOCALIZER_CONFIG = Path(__file__).resolve().parents[2] / 'configs' / 'localizer' / 'fnac_r18_synthetic.py'


@pytest.fixture(scope='module')
def silent_video(tiny_test_clip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny test clip re-encoded without its audio stream."""
    path = tmp_path_factory.mktemp('silent') / 'silent.mp4'
    with av.open(str(tiny_test_clip)) as src, av.open(str(path), 'w') as dst:
        stream = dst.add_stream('libx264', rate=src.streams.video[0].average_rate)
        stream.width, stream.height, stream.pix_fmt = 32, 32, 'yuv420p'
        for frame in src.decode(video=0):
            dst.mux(stream.encode(av.VideoFrame.from_ndarray(frame.to_ndarray(format='rgb24'), format='rgb24')))
        dst.mux(stream.encode(None))
    return path


def _check(prediction, root: Path, topk: int = 5) -> None:
    """Top-k labels (at most the class count), names of the class file, sorted scores, probabilities summing to 1."""
    classes = read_class_names(str(root / 'classes.txt'))
    assert len(prediction.labels) == len(prediction.scores) == len(prediction.names) == min(topk, len(classes))
    assert prediction.names == [classes[i] for i in prediction.labels]
    assert prediction.scores == sorted(prediction.scores, reverse=True)
    assert prediction.pred_score.shape == (len(classes),) and abs(float(prediction.pred_score.sum()) - 1) < 1e-4
    assert prediction.labels[0] == int(prediction.data_sample.pred_label)


@pytest.mark.parametrize('name', ['supervised_av', 'supervised_video', 'asl_1shot'])
def test_synthetic_clip_top5_with_names(name: str, tiny_checkpoints: dict, tiny_synthetic_root: Path,
                                        tiny_test_clip: Path) -> None:
    cfg, checkpoint = tiny_checkpoints[name]
    model = init_recognizer(cfg, str(checkpoint))
    prediction = inference_recognizer(model, tiny_test_clip)
    _check(prediction, tiny_synthetic_root)
    assert prediction.audio_valid and prediction.warning is None
    # The checkpoint's weights are the ones used, not a fresh initialisation.
    own = model.state_dict()
    for key, value in safe_torch_load(checkpoint, map_location='cpu')['state_dict'].items():
        torch.testing.assert_close(own[key], value)


def test_semi_model_predicts_with_teacher_or_student(tiny_checkpoints: dict, tiny_test_clip: Path) -> None:
    cfg, checkpoint = tiny_checkpoints['asl_1shot']
    model = init_recognizer(cfg, str(checkpoint))
    teacher = inference_recognizer(model, tiny_test_clip).pred_score
    model.semi_test_cfg['predict_on'] = 'student'
    student = inference_recognizer(model, tiny_test_clip).pred_score
    # Two training iterations with EMA momentum 0.01 leave the teacher close to, but not at, the student.
    assert not torch.equal(teacher, student)


@pytest.mark.skipif(not UCF.is_file(), reason='shared UCF sample video not present')
def test_ucf_clip_with_mp3_audio(tiny_checkpoints: dict, tiny_synthetic_root: Path) -> None:
    cfg, checkpoint = tiny_checkpoints['supervised_av']
    prediction = inference_recognizer(init_recognizer(cfg, str(checkpoint)), UCF, topk=3)
    _check(prediction, tiny_synthetic_root, topk=3)
    assert prediction.audio_valid


def test_video_without_audio_warns(tiny_checkpoints: dict, tiny_synthetic_root: Path, silent_video: Path) -> None:
    cfg, checkpoint = tiny_checkpoints['supervised_av']
    with pytest.warns(UserWarning, match='no audio stream'):
        prediction = inference_recognizer(init_recognizer(cfg, str(checkpoint)), silent_video)
    _check(prediction, tiny_synthetic_root)
    assert not prediction.audio_valid and 'silent.mp4' in prediction.warning


def test_video_only_model_does_not_warn_about_audio(tiny_checkpoints: dict, silent_video: Path) -> None:
    cfg, checkpoint = tiny_checkpoints['supervised_video']
    prediction = inference_recognizer(init_recognizer(cfg, str(checkpoint)), silent_video)
    assert not prediction.audio_valid and prediction.warning is None


def test_pre_decoded_frames_and_audio_match_the_file(tiny_checkpoints: dict, tiny_test_clip: Path) -> None:
    cfg, checkpoint = tiny_checkpoints['supervised_av']
    model = init_recognizer(cfg, str(checkpoint))
    reader = AVInit()(dict(filename=str(tiny_test_clip)))['video_reader']
    frames = reader.get_batch(np.arange(len(reader))).asnumpy()
    with av.open(str(tiny_test_clip)) as container:
        audio = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)
        rate = container.streams.audio[0].sample_rate
    from_file = inference_recognizer(model, tiny_test_clip).pred_score
    from_arrays = inference_recognizer(model, dict(frames=frames, fps=reader.get_avg_fps(), audio=audio,
                                                   sample_rate=rate)).pred_score
    torch.testing.assert_close(from_arrays, from_file, atol=2e-3, rtol=0)
    with pytest.warns(UserWarning, match='no audio stream'):
        silent = inference_recognizer(model, dict(frames=frames, fps=reader.get_avg_fps(), audio=None))
    assert not silent.audio_valid


def test_bad_inputs_are_named(tiny_checkpoints: dict, tiny_test_clip: Path, tmp_path: Path) -> None:
    cfg, checkpoint = tiny_checkpoints['supervised_av']
    model = init_recognizer(cfg, str(checkpoint))
    with pytest.raises(FileNotFoundError, match='missing.mp4'):
        inference_recognizer(model, tmp_path / 'missing.mp4')
    with pytest.raises(KeyError, match='fps'):
        inference_recognizer(model, dict(frames=np.zeros((4, 8, 8, 3), np.uint8)))
    with pytest.raises(ValueError, match='class names'):
        inference_recognizer(model, tiny_test_clip, class_names=['a', 'b'])
    with pytest.raises(RuntimeError, match='does not fit the model'):
        init_recognizer(cfg, str(tiny_checkpoints['supervised_video'][1]))


def test_localize_video_maps_every_frame(tiny_checkpoints: dict, tiny_test_clip: Path) -> None:
    cfg, checkpoint = tiny_checkpoints['asl_1shot']
    model = init_recognizer(cfg, str(checkpoint))
    result = localize_video(model, tiny_test_clip, batch_size=7)
    # 2.5 s at 12 fps; the semi config's localizer: layer1 on the 64 px frames -> 16 x 16 maps.
    assert result.maps.shape == (30, 16, 16) and result.audio_valid
    np.testing.assert_array_equal(result.frame_inds, np.arange(30))
    some = localize_video(model, tiny_test_clip, times=[0.5, 1.0])
    np.testing.assert_array_equal(some.frame_inds, [6, 12])
    np.testing.assert_allclose(some.maps, result.maps[[6, 12]], atol=1e-4)
    with pytest.raises(ValueError, match='outside'):
        localize_video(model, tiny_test_clip, times=[9.0])
    supervised, sup_checkpoint = tiny_checkpoints['supervised_av']
    with pytest.raises(ValueError, match='no sound-source localizer'):
        localize_video(init_recognizer(supervised, str(sup_checkpoint)), tiny_test_clip)


def test_read_frames_decodes_like_the_pipeline(tiny_test_clip: Path) -> None:
    assert video_info(tiny_test_clip) == (30, 12.0)
    every = read_frames(tiny_test_clip)
    assert every.shape == (30, 32, 32, 3) and every.dtype == np.uint8
    some = read_frames(tiny_test_clip, [0.5, 1.0])
    np.testing.assert_array_equal(some, every[[6, 12]])
    assert read_frames(tiny_test_clip, [1.0], size=(32, 16)).shape == (1, 16, 32, 3)
    with pytest.raises(ValueError, match='outside'):
        read_frames(tiny_test_clip, [9.0])


def test_localizer_transforms_follow_the_config() -> None:
    window, spectrogram, size = localizer_transforms(None)
    assert window['type'] == 'LocAudioWindow' and 'window' not in window and size is None
    assert not spectrogram['augment']
    window, spectrogram, size = localizer_transforms(Config.fromfile(str(LOCALIZER_CONFIG)))
    assert window['window'] == 0.3 and window['frame'] == 'center' and not window['keep_single_frame']
    assert spectrogram['nperseg'] == 128 and not spectrogram['augment'] and size == (64, 64)


def test_init_localizer_with_its_config_or_fnac_defaults(tiny_test_clip: Path) -> None:
    with pytest.warns(UserWarning, match='random weights'):
        localizer = init_localizer(str(LOCALIZER_CONFIG))
    assert localizer.cfg.filename.endswith('fnac_r18_synthetic.py') and not localizer.training
    assert not any(p.requires_grad for p in localizer.parameters())
    maps = localize_video(localizer, tiny_test_clip, [1.0]).maps
    # a different audio window changes the spectrogram, hence the map
    assert not np.allclose(maps, localize_video(localizer, tiny_test_clip, [1.0], window=1.0).maps)
    with pytest.warns(UserWarning, match='random weights'):
        default = init_localizer(visual_stage=3, input_size=64)
    assert default.cfg is None
    assert localize_video(default, tiny_test_clip, [1.0], window=1.0).maps.shape == (1, 4, 4)
