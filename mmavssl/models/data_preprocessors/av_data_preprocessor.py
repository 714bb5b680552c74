"""Batching, device transfer and normalisation of audio-visual samples."""
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import torch
from mmengine.model import BaseDataPreprocessor

from mmavssl.registry import MODELS

_STACKED_KEYS = ('imgs', 'audios', 'loc_audios')


def split_samples(inputs: Union[None, Mapping, Sequence]) -> List[Optional[Dict[str, torch.Tensor]]]:
    """Turn a collated ``inputs`` field into one dict (or None) per sample.

    mmengine's ``pseudo_collate`` yields a dict of lists when every sample has a dict, and leaves a list
    as is otherwise (for example a branch that is None for labeled samples); ``default_collate`` yields a
    dict of stacked tensors.

    Args:
        inputs: Dict of per-sample lists / stacked tensors, list of per-sample dicts (or None), or None.

    Returns:
        Per-sample entries (None where a sample lacks this input).
    """
    if inputs is None:
        return []
    if isinstance(inputs, Mapping):
        lengths = {len(v) for v in inputs.values()}
        if len(lengths) != 1:
            raise ValueError(f'inputs fields have different batch sizes: { {k: len(v) for k, v in inputs.items()} }')
        return [{k: v[i] for k, v in inputs.items()} for i in range(lengths.pop())]
    return list(inputs)


@MODELS.register_module()
class AVDataPreprocessor(BaseDataPreprocessor):
    """Stack samples, move them to the model's device and normalise the frames.

    Output ``{'inputs': {'imgs': float (N, V, C, T, H, W) = (uint8 - mean) / std, 'audios': float
    (N, V, L, M), ['loc_audios': float (N, V, 1, F, S)]}, 'data_samples': list}``; keys a sample lacks are
    left out. Audio is already normalised by the pipeline (AST statistics), so it is only stacked.

    Args:
        mean: Per-channel mean on the 0-255 scale (SVFormer: 0.45 * 255 = 114.75).
        std: Per-channel std on the 0-255 scale (SVFormer: 0.225 * 255 = 57.375).
        non_blocking: Asynchronous host-to-device copies.
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], non_blocking: bool = False) -> None:
        super().__init__(non_blocking=non_blocking)
        if len(mean) != len(std):
            raise ValueError(f'mean and std need one value per channel, got {len(mean)} and {len(std)}')
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).view(1, 1, -1, 1, 1, 1), False)
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32).view(1, 1, -1, 1, 1, 1), False)

    def normalize(self, imgs: torch.Tensor) -> torch.Tensor:
        """(uint8 or float) (N, V, C, T, H, W) -> float32 normalised.

        Args:
            imgs: Frames on the 0-255 scale.

        Returns:
            ``(imgs - mean) / std``.
        """
        if imgs.dim() != 6 or imgs.shape[2] != self.mean.shape[2]:
            raise ValueError(f'imgs must be (N, V, C, T, H, W) with C = {self.mean.shape[2]}, got '
                             f'{tuple(imgs.shape)}; the pipeline should end with FormatShape NCTHW + PackAVInputs')
        return (imgs.float() - self.mean) / self.std

    def forward(self, data: Dict[str, Any], training: bool = False) -> Dict[str, Any]:
        """Preprocess a collated batch.

        Args:
            data: ``{'inputs': ..., 'data_samples': list}`` from the dataloader (see :func:`split_samples`).
            training: Unused (no training-only operation).

        Returns:
            ``{'inputs': dict of batched tensors, 'data_samples': list}`` on the model's device.
        """
        samples = split_samples(data['inputs'])
        if not samples or any(s is None for s in samples):
            raise ValueError('AVDataPreprocessor got a batch with missing inputs; semi-supervised batches go '
                             'through MultiBranchAVDataPreprocessor')
        inputs = {}
        for key in _STACKED_KEYS:
            if key in samples[0]:
                inputs[key] = torch.stack([torch.as_tensor(s[key]) for s in samples])
        inputs = self.cast_data(inputs)
        if 'imgs' in inputs:
            inputs['imgs'] = self.normalize(inputs['imgs'])
        for key in ('audios', 'loc_audios'):
            if key in inputs:
                inputs[key] = inputs[key].float()
        return {'inputs': inputs, 'data_samples': self.cast_data(data.get('data_samples'))}
