"""Every command line's ``--help``: each argument says what it is, each option its default, and the configs it
names exist."""
import argparse
import re
import runpy
import sys
from pathlib import Path
from typing import Iterator, List

import pytest

from mmavssl.utils.cli import HelpFormatter

from toolbox_testing import REPO_ROOT

SCRIPTS = sorted(p for p in [*(REPO_ROOT / 'tools').rglob('*.py'), *(REPO_ROOT / 'demo').glob('*.py')]
                 if 'ArgumentParser(' in p.read_text())
# Sub-commands that build their own parser: argv that reaches each of them.
COMMAND_ARGV = {'analyze_logs.py': [[], ['plot_curve'], ['cal_train_time']]}


class _Built(Exception):
    """Raised by the patched ``parse_args`` to hand the parser back without running the tool."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        super().__init__(parser.prog)
        self.parser = parser


def tool_parsers(script: Path, monkeypatch: pytest.MonkeyPatch) -> List[argparse.ArgumentParser]:
    """The parsers ``script`` builds, with their sub-command parsers."""

    def capture(self, *args, **kwargs):
        raise _Built(self)

    monkeypatch.setattr(argparse.ArgumentParser, 'parse_args', capture)
    parsers = []
    for argv in COMMAND_ARGV.get(script.name, [[]]):
        monkeypatch.setattr(sys, 'argv', [str(script), *argv])
        with pytest.raises(_Built) as built:
            runpy.run_path(str(script), run_name='__main__')
        parsers += list(with_subcommands(built.value.parser))
    return parsers


def with_subcommands(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """``parser`` and, recursively, the parsers of its sub-commands."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from with_subcommands(sub)


@pytest.mark.parametrize('script', SCRIPTS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_help_documents_every_argument_and_default(script: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for parser in tool_parsers(script, monkeypatch):
        assert parser.formatter_class is HelpFormatter, parser.prog
        formatter = parser._get_formatter()
        for action in parser._actions:
            if action.help == argparse.SUPPRESS or isinstance(action, (argparse._HelpAction,
                                                                       argparse._SubParsersAction)):
                continue
            name = '/'.join(action.option_strings) or action.dest
            assert action.help, f'{parser.prog}: {name} has no help text'
            shown = formatter._get_help_string(action)
            default = action.default
            silent = default is None or default is False or (isinstance(default, (str, list, tuple, dict))
                                                              and not default)
            assert silent or 'default' in shown.lower(), f'{parser.prog}: {name} does not show its default'
        text = parser.format_help()
        for config in re.findall(r'configs/[\w/.-]+\.py', parser.description or ''):
            assert (REPO_ROOT / config).is_file(), f'{parser.prog} --help names {config}, which does not exist'
        assert parser.prog in text


def test_formatter_shows_defaults_that_say_something() -> None:
    parser = argparse.ArgumentParser(formatter_class=HelpFormatter)
    parser.add_argument('--workers', type=int, default=4, help='processes')
    parser.add_argument('--rate', type=int, default=16000, help='rate (default: the video rate)')
    parser.add_argument('--out', help='output file')
    parser.add_argument('--keys', nargs='*', default=[], help='scalars')
    parser.add_argument('--flag', action='store_true', help='a switch')
    text = ' '.join(parser.format_help().split())
    assert 'processes (default: 4)' in text and 'rate (default: the video rate)' in text
    assert 'output file (default' not in text and 'scalars (default' not in text and 'a switch (default' not in text
