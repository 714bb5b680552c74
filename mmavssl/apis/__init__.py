"""High-level helpers: build a model from a config, load a checkpoint, predict."""
from .benchmark import (BenchmarkEntry, RowSummary, RunRecord, entry_complexity, load_records, load_spec,
                        markdown_table, run_study, summarize, write_outputs)
from .sweep import SweepPoint, load_runs, plot_sweep, sweep_markdown, sweep_points

__all__ = ['BenchmarkEntry', 'RowSummary', 'RunRecord', 'entry_complexity', 'load_records', 'load_spec',
           'markdown_table', 'run_study', 'summarize', 'write_outputs', 'SweepPoint', 'load_runs', 'plot_sweep',
           'sweep_markdown', 'sweep_points']
