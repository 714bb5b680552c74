"""mmavssl.studies.spec: study rows, spec files and their --cfg-options."""
from pathlib import Path

import pytest

from mmavssl.studies.spec import BenchmarkEntry, format_cfg_options, load_spec

TOY_CONFIG = str(Path(__file__).resolve().parents[1] / 'data' / 'configs' / 'toy_iter.py')


def test_format_cfg_options_round_trips_and_flattens() -> None:
    args = format_cfg_options({'model': {'mixer': {'tau_mix': 0.1}}, 'train_cfg.max_iters': 4, 'a.flag': True,
                               'a.none': None, 'a.list': [1, 2.5, 'x'], 'a.tuple': (3,), 'a.name': 'fixed'})
    assert args == ['model.mixer.tau_mix=0.1', 'train_cfg.max_iters=4', 'a.flag=True', 'a.none=None',
                    'a.list=[1,2.5,x]', 'a.tuple=(3,)', 'a.name=fixed']


@pytest.mark.parametrize('value', ['0.1', 'a b', 'x,y', 'True'])
def test_format_cfg_options_refuses_values_the_cli_would_change(value: str) -> None:
    with pytest.raises(ValueError, match='cannot be passed on the command line'):
        format_cfg_options({'key': value})


def test_entry_name_must_be_a_folder_name() -> None:
    with pytest.raises(ValueError, match='folder name'):
        BenchmarkEntry(name='a/b', config=TOY_CONFIG)


def test_load_spec_yaml_and_py(tmp_path: Path) -> None:
    (tmp_path / 'spec.yaml').write_text(
        'seeds: [0, 2]\ncfg_options: {train_cfg.max_iters: 2}\nentries:\n'
        f'  - {{name: a, config: {TOY_CONFIG}, group: fixed, x: 0.1, cfg_options: {{model.num_classes: 3}}}}\n')
    entries, settings = load_spec(tmp_path / 'spec.yaml')
    assert entries == [BenchmarkEntry('a', TOY_CONFIG, {'model.num_classes': 3}, 'fixed', 0.1)]
    assert settings == {'seeds': [0, 2], 'cfg_options': {'train_cfg.max_iters': 2}}
    (tmp_path / 'spec.py').write_text(f"entries = [dict(name='b', config={TOY_CONFIG!r})]\n")
    assert load_spec(tmp_path / 'spec.py') == ([BenchmarkEntry('b', TOY_CONFIG)], {})


@pytest.mark.parametrize('body, match', [
    ('entries = []', 'non-empty list'),
    ("entries = [dict(name='a')]", r'entries\[0\]'),
    ("entries = [dict(name='a', config='c.py', lr=1)]", r'entries\[0\]'),
    ("entries = [dict(name='a', config='c.py'), dict(name='a', config='d.py')]", 'unique'),
])
def test_load_spec_rejects_malformed_specs(tmp_path: Path, body: str, match: str) -> None:
    (tmp_path / 'spec.py').write_text(body + '\n')
    with pytest.raises(ValueError, match=match):
        load_spec(tmp_path / 'spec.py')
