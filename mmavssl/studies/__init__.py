"""Study tooling: multi-seed benchmark runs through ``tools/train.py`` / ``tools/test.py``, their reports and sweep
plots, and the README's main job; split into :mod:`~mmavssl.studies.spec` (what a study is, spec files),
:mod:`~mmavssl.studies.runner` (the subprocesses, reuse of finished runs) and :mod:`~mmavssl.studies.report`
(tables, paired intervals, output files). The repository root and the tools folder are explicit arguments, so the
package works from any installation (``tools/`` passes its own checkout)."""
from .report import (DEFAULT_FLOPS_FN, RowSummary, SweepPoint, compare_predictions, entry_complexity, format_summary,
                     load_records, load_runs, markdown_table, model_complexity, paired_table, plot_sweep,
                     summarize, sweep_markdown, sweep_points, write_outputs)
from .runner import MainJob, check_localizer, format_localizer_metrics, read_test_metrics, run_main_job, run_study
from .spec import (CHECKPOINT_KINDS, DEFAULT_METRICS, LOCALIZER_METRICS, BenchmarkEntry, MainJobConfig, RunRecord,
                   format_cfg_options, load_spec, predictions_path)

__all__ = ['CHECKPOINT_KINDS', 'DEFAULT_FLOPS_FN', 'DEFAULT_METRICS', 'LOCALIZER_METRICS', 'BenchmarkEntry', 'MainJob',
           'MainJobConfig', 'RowSummary', 'RunRecord', 'SweepPoint', 'check_localizer', 'compare_predictions',
           'entry_complexity', 'format_cfg_options', 'format_localizer_metrics', 'format_summary', 'load_records',
           'load_runs', 'load_spec', 'markdown_table', 'model_complexity', 'paired_table', 'plot_sweep',
           'predictions_path', 'read_test_metrics', 'run_main_job', 'run_study', 'summarize', 'sweep_markdown',
           'sweep_points', 'write_outputs']
