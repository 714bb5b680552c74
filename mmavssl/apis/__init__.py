"""High-level helpers: inference on one video, benchmark studies, sweeps and the README's main job."""
from .benchmark import (BenchmarkEntry, RowSummary, RunRecord, entry_complexity, load_records, load_spec,
                        markdown_table, run_study, summarize, write_outputs)
from .inference import (Localization, Prediction, inference_recognizer, init_recognizer, localize_video,
                        localizer_transforms)
from .main_job import MainJob, MainJobConfig, format_summary, run_main_job
from .visualize_masks import MaskFigure, compute_mask_figure, visualize_masks
from .sweep import SweepPoint, load_runs, plot_sweep, sweep_markdown, sweep_points

__all__ = ['MainJob', 'MainJobConfig', 'format_summary', 'run_main_job', 'BenchmarkEntry', 'RowSummary', 'RunRecord', 'entry_complexity', 'load_records', 'load_spec',
           'markdown_table', 'run_study', 'summarize', 'write_outputs', 'SweepPoint', 'load_runs', 'plot_sweep',
           'sweep_markdown', 'sweep_points']
__all__ += ['MaskFigure', 'compute_mask_figure', 'visualize_masks']
__all__ += ['Localization', 'Prediction', 'inference_recognizer', 'init_recognizer', 'localize_video',
            'localizer_transforms']
