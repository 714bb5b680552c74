"""The localizer configs: the synthetic one trains 2 iterations and validates on a tiny generated set."""
import re
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmavssl.synthetic import SyntheticAVConfig, generate_dataset

CONFIGS = Path(__file__).resolve().parents[2] / 'configs' / 'localizer'


def _set_root(cfg: Config, root: str) -> None:
    """Point every dataset (and LoadSourceBoxes) of ``cfg`` at ``root`` instead of the synthetic benchmark."""
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[loader]['dataset']
        for key in ('ann_file', 'classes_file'):
            dataset[key] = re.sub(r'^data/synthetic_av[^/]*', root, dataset[key])
        dataset['data_prefix']['video'] = root + '/'
        for step in dataset['pipeline']:
            if step['type'] == 'LoadSourceBoxes':
                step['ann_file'] = root + '/annotations.json'
        cfg[loader].update(num_workers=0, persistent_workers=False)


def test_synthetic_config_trains_and_validates(tmp_path):
    torch.set_num_threads(1)
    root = str(tmp_path / 'synth')
    generate_dataset(root, SyntheticAVConfig(num_shapes=2, num_timbres=1, train_per_class=2, val_per_class=1,
                                             test_per_class=1, duration=1.5, shots=(1,)))
    cfg = Config.fromfile(CONFIGS / 'fnac_r18_synthetic.py')
    _set_root(cfg, root)
    cfg.train_dataloader.batch_size = 2
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2, val_interval=2)
    cfg.model.update(input_size=(64, 64))
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=2, by_epoch=False)
    cfg.default_hooks.logger.interval = 1
    cfg.log_processor = dict(type='LogProcessor', window_size=1, by_epoch=False)
    cfg.work_dir = str(tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val_loop.run()
    for key in ('loc/cIoU', 'loc/AUC', 'loc/pointing', 'loc/center/pointing', 'loc/uniform/pointing',
                'loc/center/AUC', 'loc/uniform/AUC', 'loc_median/AUC'):
        assert 0.0 <= metrics[key] <= 1.0
    assert (tmp_path / 'work' / 'iter_2.pth').is_file()


@pytest.mark.parametrize('name', ['fnac_r18_synthetic.py', 'fnac_r18_vggsound.py'])
def test_configs_build_model(name):
    from mmengine.registry import init_default_scope

    from mmavssl.registry import MODELS, TRANSFORMS
    init_default_scope('mmavssl')
    cfg = Config.fromfile(CONFIGS / name)
    model = MODELS.build(cfg.model)
    assert model.loss_module is not None
    for step in cfg.train_dataloader.dataset.pipeline:
        TRANSFORMS.build(step)
    if name == 'fnac_r18_vggsound.py':
        assert cfg.train_dataloader.batch_size == 128 and cfg.train_cfg.max_epochs == 20
        steps = {step['type']: step for step in cfg.train_dataloader.dataset.pipeline}
        assert model.input_size == (224, 224) and steps['LocAudioWindow']['window'] == 3.0
        assert steps['AVDecode']['audio_margin'] == 3.0 and 'LocAudioDecode' not in steps  # one audio read
