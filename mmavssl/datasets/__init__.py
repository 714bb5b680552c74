"""Datasets, samplers, transforms and splits of mmavssl (the synthetic generator is mmavssl.synthetic)."""
from . import splits, transforms  # noqa: F401
from .av_dataset import (AVVideoDataset, UnlabeledAVVideoDataset, count_bad_files, files_without_audio,
                         wav_relpath)
from .collate import multi_branch_collate
from .errors import BadVideoError
from .samplers import LabeledUnlabeledSampler

__all__ = ['AVVideoDataset', 'UnlabeledAVVideoDataset', 'LabeledUnlabeledSampler', 'BadVideoError',
           'count_bad_files', 'files_without_audio', 'multi_branch_collate', 'wav_relpath']
