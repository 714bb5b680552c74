"""Data preprocessors (stacking, device transfer, normalisation)."""
from .av_data_preprocessor import AVDataPreprocessor, split_samples
from .multi_branch import MultiBranchAVDataPreprocessor

__all__ = ['AVDataPreprocessor', 'MultiBranchAVDataPreprocessor', 'split_samples']
