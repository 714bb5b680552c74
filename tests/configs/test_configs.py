"""Every config under configs/ loads and builds its model; the synthetic dataset configs build their datasets.

Models are built on the meta device (no memory, no initialisation cost) so that the ViT-B configs take
milliseconds; ``test_supervised_av_trains_and_tests_through_tools`` runs a real model end to end.
"""
import json
from pathlib import Path
from typing import List

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmavssl.models.utils.flops import build_meta_model
from mmavssl.registry import DATASETS

from toolbox_testing import REPO_ROOT, run_python

CONFIG_DIR = REPO_ROOT / 'configs'
CONFIGS = sorted(p.relative_to(CONFIG_DIR).as_posix() for p in CONFIG_DIR.rglob('*.py'))
SYNTHETIC_ROOT = REPO_ROOT / 'data' / 'synthetic_av_bench'
SUPERVISED = sorted(p.name for p in (CONFIG_DIR / 'synthetic').glob('supervised_*.py'))


def load(name: str) -> Config:
    """Load ``configs/<name>``."""
    return Config.fromfile(str(CONFIG_DIR / name))


def test_config_list_is_not_empty() -> None:
    assert {'_base_/datasets/synthetic_av.py', '_base_/datasets/ucf51_av.py', '_base_/datasets/k400_av.py',
            '_base_/datasets/vggsound_av.py', 'synthetic/supervised_av.py'} <= set(CONFIGS)


@pytest.mark.parametrize('name', CONFIGS)
def test_config_loads_and_model_builds(name: str) -> None:
    cfg = load(name)
    if 'model' not in cfg:
        return
    init_default_scope(cfg.get('default_scope', 'mmavssl'))
    model = build_meta_model(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    head = cfg.model.get('cls_head') or {}
    if 'num_classes' in cfg and 'num_classes' in head:
        assert head['num_classes'] == cfg.num_classes, f'{name}: head and dataset disagree on the class count'


@pytest.mark.parametrize('name', ['_base_/datasets/ucf51_av.py', '_base_/datasets/k400_av.py',
                                  '_base_/datasets/vggsound_av.py'])
def test_paper_dataset_configs(name: str) -> None:
    """Paper protocol: 8 frames of 224^2 in training, 5 clips x 3 crops at test, lists as tools/data writes; the
    train loader is the semi-supervised one on the 1-shot lists, the supervised one reads the whole training list."""
    cfg = load(name)
    assert cfg.clip['clip_len'] == 8 and cfg.img_size == 224
    test_pipe = {t['type']: t for t in cfg.test_dataloader.dataset.pipeline}
    assert test_pipe['SampleFrames']['num_clips'] == 5 and test_pipe['ThreeCrop']['crop_size'] == 224
    assert test_pipe['AudioFbank']['target_length'] == cfg.fbank_length
    labeled, unlabeled = cfg.train_dataloader.dataset.datasets
    assert (labeled.type, unlabeled.type) == ('AVVideoDataset', 'UnlabeledAVVideoDataset')
    assert (labeled.ann_file, unlabeled.ann_file) == (cfg.labeled_ann_file, cfg.unlabeled_ann_file)
    assert cfg.labeled_ann_file.endswith('train_labeled_1shot.txt')
    assert cfg.supervised_train_dataloader.dataset.ann_file == cfg.train_ann_file
    for dataset in (labeled, unlabeled, cfg.supervised_train_dataloader.dataset, cfg.val_dataloader.dataset,
                    cfg.test_dataloader.dataset):
        assert dataset.classes_file.startswith('data/')
    for split in ('val', 'test'):
        assert cfg[f'{split}_dataloader'].dataset.type == 'AVVideoDataset'


def synthetic_cfg_or_skip(name: str) -> Config:
    """Load a synthetic config, skipping when the generated set is absent."""
    if not (SYNTHETIC_ROOT / 'manifest.json').is_file():
        pytest.skip(f'{SYNTHETIC_ROOT} not generated (python tools/data/synthetic/generate.py data/synthetic_av_bench --preset benchmark)')
    return load(name)


@pytest.mark.parametrize('split', ['train', 'val', 'test'])
def test_synthetic_dataset_samples(split: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = synthetic_cfg_or_skip('_base_/datasets/synthetic_av.py')
    monkeypatch.chdir(REPO_ROOT)  # configs hold paths relative to the repository root, as the tools run
    init_default_scope('mmavssl')
    dataset = DATASETS.build(cfg[f'{split}_dataloader'].dataset)
    assert len(dataset) == {'train': 1200, 'val': 120, 'test': 600}[split]
    assert dataset.metainfo['classes'][0] == 'circle_low_tone' and len(dataset.metainfo['classes']) == 4
    sample = dataset[0]
    views = 2 if split == 'test' else 1
    assert sample['inputs']['imgs'].shape == (views, 3, 8, cfg.img_size, cfg.img_size)
    assert sample['inputs']['audios'].shape == (views, cfg.fbank_length, 128)
    assert sample['data_samples'].gt_label.tolist() == [0]


def budget(cfg: Config) -> dict:
    """Everything that defines a training run's budget."""
    return dict(train_cfg=cfg.train_cfg.to_dict(), optim=cfg.optim_wrapper.to_dict(),
                sched=[dict(s) for s in cfg.param_scheduler], batch=cfg.train_dataloader.batch_size,
                pipeline=cfg.train_dataloader.dataset.pipeline)


def test_supervised_configs_share_one_budget() -> None:
    # the full-list runs share supervised_av.py's budget, the k-shot baselines supervised_av_1shot.py's (shorter,
    # on the same weak views as the paper's supervised baseline); they differ in nothing else
    full = budget(load('synthetic/supervised_av.py'))
    few = budget(load('synthetic/supervised_av_1shot.py'))
    assert few['train_cfg']['max_iters'] < full['train_cfg']['max_iters']
    assert few['pipeline'] == full['pipeline']
    assert not any(t['type'] in ('ClipRandAugment', 'SpecAugment') for t in few['pipeline'])
    for name in SUPERVISED:
        assert budget(load(f'synthetic/{name}')) == (few if 'shot' in name else full), name


@pytest.mark.parametrize('name, modality, ann', [
    ('supervised_av.py', 'av', 'train_all.txt'), ('supervised_video.py', 'video', 'train_all.txt'),
    ('supervised_audio.py', 'audio', 'train_all.txt'), ('supervised_av_1shot.py', 'av', 'train_labeled_1shot.txt'),
    ('supervised_av_5shot.py', 'av', 'train_labeled_5shot.txt'),
    ('supervised_video_1shot.py', 'video', 'train_labeled_1shot.txt')])
def test_supervised_config_modality_and_list(name: str, modality: str, ann: str) -> None:
    cfg = load(f'synthetic/{name}')
    model = cfg.model
    assert (model.video_backbone is not None, model.audio_backbone is not None) == {
        'av': (True, True), 'video': (True, False), 'audio': (False, True)}[modality]
    assert model.cls_head.type == ('FusionHead' if modality == 'av' else 'LinearClsHead')
    assert cfg.train_dataloader.dataset.ann_file == f'data/synthetic_av_bench/{ann}'
    assert cfg.test_dataloader.dataset.ann_file == 'data/synthetic_av_bench/test.txt'


@pytest.mark.parametrize('name', ['synthetic/asl_1shot.py', 'synthetic/supervised_av_1shot.py',
                                  'localizer/fnac_r18_synthetic.py', 'synthetic/pretrain_source_video.py'])
def test_synthetic_data_roots_follow_the_environment(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('MMAVSSL_SYNTHETIC_ROOT', '/elsewhere/bench')
    monkeypatch.setenv('MMAVSSL_SYNTHETIC_SOURCE_ROOT', '/elsewhere/source')
    cfg = load(name)
    root = '/elsewhere/source/' if 'pretrain_source' in name else '/elsewhere/bench/'
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[key].dataset
        for part in dataset.get('datasets', [dataset]):  # the semi-supervised loader concatenates two lists
            assert part.ann_file.startswith(root) and str(part.data_prefix.get('video', root)).startswith(root), key


def tiny_set_options(root: Path) -> List[str]:
    """``--cfg-options`` pointing supervised_av.py at ``root`` with 2 iterations of batch 2 at 32^2."""
    # model.*.init_cfg=None: the encoders start from scratch, the source-set pretraining checkpoint is not made here
    options = ['model.video_backbone.init_cfg=None', 'model.audio_backbone.init_cfg=None',
               'train_cfg.max_iters=2', 'train_cfg.val_interval=2', 'default_hooks.checkpoint.interval=2',
               'default_hooks.logger.interval=1', 'model.video_backbone.img_size=32',
               'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
               'train_dataloader.persistent_workers=False']
    for split, ann in [('train', 'train_all.txt'), ('val', 'val.txt'), ('test', 'test.txt')]:
        key = f'{split}_dataloader'
        options += [f'{key}.dataset.ann_file={root / ann}', f'{key}.dataset.data_prefix.video={root}',
                    f'{key}.dataset.classes_file={root / "classes.txt"}']
        if split != 'train':
            options += [f'{key}.num_workers=0', f'{key}.persistent_workers=False']
    # the Resize to the model's input size is the 2nd transform after decoding in every pipeline
    options += ['train_dataloader.dataset.pipeline.5.scale=(32,32)', 'val_dataloader.dataset.pipeline.4.scale=(32,32)',
                'test_dataloader.dataset.pipeline.4.scale=(32,32)']
    return options


@pytest.mark.slow
def test_supervised_av_trains_and_tests_through_tools(tmp_path: Path) -> None:
    from mmavssl.synthetic import SyntheticAVConfig, generate_dataset
    root = tmp_path / 'synth'
    generate_dataset(str(root), SyntheticAVConfig(num_shapes=2, num_timbres=1, train_per_class=2, val_per_class=1,
                                                  test_per_class=1, width=32, height=32, duration=1.0,
                                                  shots=(1,)))
    config = CONFIG_DIR / 'synthetic' / 'supervised_av.py'
    options = tiny_set_options(root) + ['model.cls_head.num_classes=2']
    work = tmp_path / 'work'
    done = run_python(['tools/train.py', config, '--work-dir', work, '--cfg-options', *options], cwd=REPO_ROOT,
                      timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (work / 'iter_2.pth').is_file()
    assert 'Iter(val) [1/1]' in done.stdout + done.stderr  # 2 val clips, one batch
    done = run_python(['tools/test.py', config, work / 'iter_2.pth', '--work-dir', tmp_path / 'test',
                       '--cfg-options', *options], cwd=REPO_ROOT, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    scalars = [json.loads(line) for line in next((tmp_path / 'test').glob('*/*.json')).read_text().splitlines()]
    assert 0.0 <= scalars[-1]['acc/top1'] <= 1.0 and 'acc/mean1' in scalars[-1]
