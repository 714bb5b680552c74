"""The ``--help`` layout of the command-line tools."""
import argparse


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the description as written (the tools' docstrings) and appends each option's default to its help.

    Unlike ``argparse.ArgumentDefaultsHelpFormatter`` it leaves out defaults that say nothing (None, False, empty
    strings and lists) and helps that already state their default.
    """

    def _get_help_string(self, action: argparse.Action) -> str:
        """The help of ``action`` with ``(default: ...)`` where the default is worth showing."""
        text = action.help or ''
        default = action.default
        silent = (default is None or default is False or default is argparse.SUPPRESS
                  or (isinstance(default, (str, list, tuple, dict)) and not default))
        if silent or 'default' in text.lower():
            return text
        return f'{text} (default: %(default)s)'
