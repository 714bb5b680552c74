"""An mmengine Visualizer for audio-visual samples: the middle frame of every clip, the log-mel fbank, the
ground truth and the top-k prediction in one image."""
from typing import List, Optional, Sequence

import cv2
import mmcv
import numpy as np
from mmaction.structures import ActionDataSample
from mmengine.visualization import Visualizer

from mmavssl.registry import VISUALIZERS
from .video import draw_caption


def fbank_image(fbank: np.ndarray, size: Sequence[int]) -> np.ndarray:
    """A log-mel fbank as a colour image: time left to right, low frequencies at the bottom.

    Args:
        fbank: (L, M) frames x mel bins.
        size: (W, H) of the image.

    Returns:
        (H, W, 3) RGB uint8 (viridis of the min-max normalised fbank).
    """
    spec = np.asarray(fbank, np.float32).T[::-1]
    span = float(spec.max() - spec.min())
    grey = np.uint8(255 * (spec - spec.min()) / span) if span > 0 else np.zeros(spec.shape, np.uint8)
    colour = cv2.applyColorMap(grey, cv2.COLORMAP_VIRIDIS)[:, :, ::-1]
    return cv2.resize(colour, tuple(size), interpolation=cv2.INTER_LINEAR)


@VISUALIZERS.register_module()
class AVVisualizer(Visualizer):
    """Draw one test sample: a row of the middle frame of each view, the first view's fbank under it and a text
    panel with the ground truth and the top-k classes.

    Args:
        name: Instance name (mmengine's ``Visualizer.get_instance``).
        vis_backends: Backends the image goes to when no ``out_file`` is given.
        save_dir: Folder of the backends.
        frame_height: Height in pixels of every drawn frame (and of the fbank).
        topk: Predicted classes listed.
    """

    def __init__(self, name: str = 'visualizer', vis_backends: Optional[List[dict]] = None,
                 save_dir: Optional[str] = None, frame_height: int = 128, topk: int = 3) -> None:
        super().__init__(name=name, vis_backends=vis_backends, save_dir=save_dir)
        self.frame_height = frame_height
        self.topk = topk

    def _name(self, label: int, class_names: Optional[Sequence[str]]) -> str:
        """A class name, or ``class <index>`` without names."""
        return class_names[label] if class_names is not None else f'class {label}'

    def draw_sample(self, imgs: np.ndarray, audios: Optional[np.ndarray], data_sample: ActionDataSample,
                    class_names: Optional[Sequence[str]] = None) -> np.ndarray:
        """Compose the image of one sample.

        Args:
            imgs: (V, C, T, H, W) uint8 RGB views as the test pipeline packs them.
            audios: (V, L, M) fbanks, or None for a video-only pipeline.
            data_sample: With ``gt_label`` and, after prediction, ``pred_score`` (K,).
            class_names: Names of the K classes.

        Returns:
            (H', W', 3) RGB uint8.
        """
        height = self.frame_height
        frames = []
        for view in np.asarray(imgs):
            frame = np.ascontiguousarray(view[:, view.shape[1] // 2].transpose(1, 2, 0))
            width = max(int(round(frame.shape[1] * height / frame.shape[0])), 1)
            frames.append(cv2.resize(frame, (width, height), interpolation=cv2.INTER_NEAREST))
        row = np.concatenate(frames, axis=1)
        parts = [row]
        if audios is not None:
            parts.append(fbank_image(np.asarray(audios)[0], (row.shape[1], height)))
        lines = []
        gt = int(data_sample.gt_label.reshape(-1)[0]) if 'gt_label' in data_sample else -1
        lines.append(f'GT: {self._name(gt, class_names)}' if gt >= 0 else 'GT: unknown')
        if 'pred_score' in data_sample:
            score = data_sample.pred_score.float().cpu()
            values, labels = score.topk(min(self.topk, len(score)))
            lines += [f'{rank}. {self._name(int(label), class_names)} {float(value):.2f}'
                      for rank, (value, label) in enumerate(zip(values, labels), 1)]
        scale = 0.45
        step = int(cv2.getTextSize('Ag', cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][1] * 1.8)
        panel = np.full((step * len(lines) + step // 2, row.shape[1], 3), 32, np.uint8)
        for index, line in enumerate(lines):
            panel = draw_caption(panel, line, origin=(4, step * (index + 1)), scale=scale)
        parts.append(panel)
        return np.concatenate(parts, axis=0)

    def add_datasample(self, name: str, imgs: np.ndarray, audios: Optional[np.ndarray] = None,
                       data_sample: Optional[ActionDataSample] = None,
                       class_names: Optional[Sequence[str]] = None, show: bool = False, wait_time: float = 0,
                       out_file: Optional[str] = None, step: int = 0) -> np.ndarray:
        """Draw a sample and show it, write it to ``out_file`` or hand it to the backends.

        Args:
            name: Image name for the backends.
            imgs: (V, C, T, H, W) uint8 views.
            audios: (V, L, M) fbanks or None.
            data_sample: The predicted sample.
            class_names: Names of the classes.
            show: Show the image in a window.
            wait_time: Seconds the window stays (0: until closed).
            out_file: PNG/JPEG path; when given, the backends are not used.
            step: Global step for the backends.

        Returns:
            The drawn image (H', W', 3) RGB uint8.
        """
        image = self.draw_sample(imgs, audios, data_sample or ActionDataSample(), class_names)
        self.set_image(image)
        if show:
            self.show(image, win_name=name, wait_time=wait_time)
        if out_file is not None:
            mmcv.imwrite(image[:, :, ::-1], out_file)
        else:
            self.add_image(name, image, step)
        return image


__all__ = ['AVVisualizer', 'fbank_image']
