"""Draw every n-th test sample with the current ``AVVisualizer`` (``tools/test.py --show-dir``)."""
import os
import os.path as osp
from typing import Any, Dict, Optional, Sequence

import numpy as np
import torch
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.visualization import Visualizer

from mmavssl.registry import HOOKS


def _sample_inputs(inputs: Any, index: int) -> Dict[str, np.ndarray]:
    """Inputs of sample ``index`` of a collated batch (a list of per-sample dicts, or a dict of stacked tensors),
    as numpy arrays."""
    sample = inputs[index] if isinstance(inputs, (list, tuple)) else {k: v[index] for k, v in inputs.items()}
    return {k: v.cpu().numpy() if isinstance(v, torch.Tensor) else np.asarray(v) for k, v in sample.items()}


@HOOKS.register_module()
class AVVisualizationHook(Hook):
    """Hand every ``interval``-th sample (in dataset order) to the visualizer's ``add_datasample``.

    With ``out_dir`` each drawn sample becomes ``<out_dir>/<index>_<video name>.png`` (``index`` = position in
    the dataset, zero-padded); without it the image goes to the visualizer's backends. Files of an earlier run
    are never replaced: a non-empty ``out_dir`` is refused when the hook is built.

    Args:
        enable: Draw anything at all.
        interval: Draw samples whose dataset index is a multiple of this.
        show: Also show every image in a window (needs a display).
        wait_time: Seconds each window stays open (0: until closed).
        out_dir: Folder of the images (created).

    Raises:
        FileExistsError: ``out_dir`` exists and is not empty.
        ValueError: ``interval < 1``.
    """

    priority = 'NORMAL'

    def __init__(self, enable: bool = False, interval: int = 1, show: bool = False, wait_time: float = 0,
                 out_dir: Optional[str] = None) -> None:
        if interval < 1:
            raise ValueError(f'AVVisualizationHook: interval must be >= 1, got {interval}')
        # One check, on the main process, before any rank writes.
        if enable and out_dir and is_main_process() and osp.isdir(out_dir) and os.listdir(out_dir):
            raise FileExistsError(f'{out_dir} is not empty; choose an empty or new folder for the images')
        self.enable = enable
        self.interval = interval
        self.show = show
        self.wait_time = wait_time
        self.out_dir = out_dir
        self.class_names: Optional[Sequence[str]] = None

    def _prepare(self, dataloader: Any) -> None:
        """Check the visualizer and read the dataset's class names."""
        visualizer = Visualizer.get_current_instance()
        if not hasattr(visualizer, 'draw_sample'):
            raise TypeError(f'AVVisualizationHook draws audio-visual samples with an AVVisualizer, but the '
                            f'visualizer is a {type(visualizer).__name__}; set visualizer=dict(type='
                            "'AVVisualizer', vis_backends=[dict(type='LocalVisBackend')])")
        self.class_names = getattr(dataloader.dataset, 'class_names', None)
        if self.out_dir:
            os.makedirs(self.out_dir, exist_ok=True)

    def before_test(self, runner: Any) -> None:
        """See :meth:`_prepare`."""
        if self.enable:
            self._prepare(runner.test_loop.dataloader)

    def _draw(self, batch_idx: int, data_batch: dict, outputs: Sequence[Any]) -> None:
        """Draw the samples of one batch whose dataset index is a multiple of ``interval``."""
        if not self.enable:
            return
        visualizer = Visualizer.get_current_instance()
        for offset, sample in enumerate(outputs):
            index = int(sample.metainfo.get('sample_idx', batch_idx * len(outputs) + offset))
            if index % self.interval:
                continue
            inputs = _sample_inputs(data_batch['inputs'], offset)
            stem = osp.splitext(osp.basename(sample.metainfo.get('filename') or 'sample'))[0]
            name = f'{index:06d}_{stem}'
            visualizer.add_datasample(name, inputs['imgs'], inputs.get('audios'), sample, self.class_names,
                                      show=self.show, wait_time=self.wait_time,
                                      out_file=osp.join(self.out_dir, name + '.png') if self.out_dir else None)

    def after_test_iter(self, runner: Any, batch_idx: int, data_batch: dict, outputs: Sequence[Any]) -> None:
        """Draw the batch's samples."""
        self._draw(batch_idx, data_batch, outputs)


__all__ = ['AVVisualizationHook']
