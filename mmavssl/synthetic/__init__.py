"""The procedurally generated audio-visual dataset (real H.264 + AAC clips with ground-truth sound sources).

Not a dataset class: a generator that writes the files the datasets read, so ``import mmavssl`` does not load it.
"""
from .generator import (BENCHMARK_PRESET, GPU_PRESET, PRESETS, SHAPES, SOURCE_PRESET, TIMBRES, ClipSpec,
                        RenderedClip, SyntheticAVConfig, dataset_problem, generate_dataset, load_annotations, render_clip,
                        verify_dataset, write_av_file)

__all__ = ['SHAPES', 'TIMBRES', 'SyntheticAVConfig', 'ClipSpec', 'RenderedClip', 'render_clip', 'write_av_file',
           'generate_dataset', 'verify_dataset', 'dataset_problem', 'load_annotations', 'GPU_PRESET', 'BENCHMARK_PRESET',
           'SOURCE_PRESET', 'PRESETS']
