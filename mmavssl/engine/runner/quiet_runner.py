"""mmengine's Runner with a console for the run itself: the start-up dumps go to the log file only."""
import logging
from typing import Optional

from mmengine.logging import MMLogger
from mmengine.runner import Runner

from mmavssl.registry import RUNNERS

# Starts of the records the console leaves out. The first three are the dumps of Runner.__init__ (the environment,
# the config and the hook order: about 400 lines before the first iteration of a small run), the last two are
# mmengine's own deprecation notices for FileClient, which its hooks use and no config can switch off.
FILE_ONLY_PREFIXES = (
    '\n' + '-' * 60 + '\nSystem environment:',
    'Config:\n',
    'Hooks will be executed in the following order:',
    '"FileClient" will be deprecated in future.',
    '"HardDiskBackend" is the alias of "LocalBackend"',
)


class FileOnlyFilter(logging.Filter):
    """Drops the records that start with one of :data:`FILE_ONLY_PREFIXES` (for console handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether ``record`` reaches the handler."""
        return not str(record.msg).startswith(FILE_ONLY_PREFIXES)


@RUNNERS.register_module()
class QuietRunner(Runner):
    """A :class:`mmengine.runner.Runner` whose environment, config and hook-order dumps stay out of the console.

    They are still written to ``<work_dir>/<timestamp>/<timestamp>.log``; the console gets one line naming
    that file instead. ``tools/train.py`` and ``tools/test.py`` use it unless a config sets ``runner_type``.
    """

    def build_logger(self, log_level: str = 'INFO', log_file: Optional[str] = None, **kwargs) -> MMLogger:
        """Build mmengine's logger and filter its console handler (arguments as ``Runner.build_logger``)."""
        logger = super().build_logger(log_level=log_level, log_file=log_file, **kwargs)
        for handler in logger.handlers:
            # FileHandler subclasses StreamHandler: only the console stream is filtered.
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                handler.addFilter(FileOnlyFilter())
        files = [h.baseFilename for h in logger.handlers if isinstance(h, logging.FileHandler)]
        if files:
            logger.info(f'environment, config and hook order: in {files[0]}')
        return logger
