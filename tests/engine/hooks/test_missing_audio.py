"""MissingAudioHook: clips without an audio stream are counted per training epoch and reported at test time."""
from types import SimpleNamespace
from unittest.mock import MagicMock

from mmaction.structures import ActionDataSample
from mmengine.logging import MessageHub

from mmavssl.engine.hooks import MissingAudioHook


def _sample(name: str, missing: bool) -> ActionDataSample:
    sample = ActionDataSample()
    sample.set_metainfo(dict(filename=name, audio_missing=missing, audio_valid=not missing))
    return sample


def _runner(epoch_of_iterator: int) -> SimpleNamespace:
    iterator = SimpleNamespace(epoch=epoch_of_iterator)
    return SimpleNamespace(train_loop=SimpleNamespace(dataloader_iterator=iterator), epoch=0,
                           message_hub=MessageHub.get_instance('missing_audio_test'),
                           logger=MagicMock())


def test_training_counts_distinct_silent_files_per_epoch() -> None:
    hook, runner = MissingAudioHook(), _runner(0)
    # A semi-supervised batch: the same unlabeled clip in two branches counts once.
    batch = {'data_samples': {'sup': [_sample('a.mp4', False)],
                              'unsup_weak': [_sample('b.mp4', True)], 'unsup_strong': [_sample('b.mp4', True)]}}
    hook.after_train_iter(runner, 0, data_batch=batch)
    hook.after_train_iter(runner, 1, data_batch={'data_samples': [_sample('c.mp4', True), _sample('b.mp4', True)]})
    assert runner.message_hub.get_scalar('train/no_audio_clips').current() == 2
    warned = [call.args[0] for call in runner.logger.warning.call_args_list]
    assert warned == ['epoch 0: b.mp4 has no audio stream; training on it with silence (audio_valid=False)',
                      'epoch 0: c.mp4 has no audio stream; training on it with silence (audio_valid=False)']
    runner.train_loop.dataloader_iterator.epoch = 1
    hook.after_train_iter(runner, 2, data_batch={'data_samples': [_sample('a.mp4', False)]})
    assert runner.message_hub.get_scalar('train/no_audio_clips').current() == 0


def test_test_time_count_is_reported() -> None:
    hook, runner = MissingAudioHook(), _runner(0)
    hook.before_test_epoch(runner)
    hook.after_test_iter(runner, 0, data_batch={'data_samples': [_sample('x.mp4', True), _sample('y.mp4', False)]})
    hook.after_test_iter(runner, 1, data_batch={'data_samples': [_sample('z.mp4', False)]})
    hook.after_test_epoch(runner, {})
    message = runner.logger.log.call_args.args[1]
    assert message == 'test: 1 of 3 clips have no audio stream and were evaluated on silence: x.mp4'
