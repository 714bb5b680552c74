"""Study tooling: multi-seed benchmark runs through ``tools/train.py`` / ``tools/test.py``, sweep plots and the
README's main job. The repository root and the tools folder are explicit arguments, so the package works from
any installation (``tools/`` passes its own checkout)."""
from .benchmark import (BenchmarkEntry, RowSummary, RunRecord, entry_complexity, load_records, load_spec,
                        markdown_table, run_study, summarize, write_outputs)
from .main_job import MainJob, MainJobConfig, format_summary, run_main_job
from .sweep import SweepPoint, load_runs, plot_sweep, sweep_markdown, sweep_points

__all__ = ['MainJob', 'MainJobConfig', 'format_summary', 'run_main_job', 'BenchmarkEntry', 'RowSummary',
           'RunRecord', 'entry_complexity', 'load_records', 'load_spec', 'markdown_table', 'run_study', 'summarize',
           'write_outputs', 'SweepPoint', 'load_runs', 'plot_sweep', 'sweep_markdown', 'sweep_points']
