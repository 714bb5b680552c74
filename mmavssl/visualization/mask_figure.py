"""Paper Fig. 3: TubeToken masks (SVFormer) against ASL-guided masks drawn from a sound-source map.

:func:`sample_mask_figure` takes one frame at the video backbone's frame size and its localization map (from
:func:`mmavssl.apis.localize_video`); :class:`TubeTokenMixup` and :class:`ASLGuidedMixup` then draw masks on the
backbone's token grid of that single frame (T' = 1), one to show and ``num_samples`` to average. Masks are
upsampled to pixels with nearest-neighbour interpolation, so every token is a ``patch x patch`` block.
"""
import os
from dataclasses import dataclass
from typing import Dict, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config

from mmavssl.evaluation.functional import overlay_map
from mmavssl.models.mixers import ASLGuidedMixup, TubeTokenMixup
from .localization import refuse_existing, write_image

#: Grey that replaces the partner clip's tokens when no partner video is given.
GREY = 128
#: Output files, in panel order: key -> (file suffix, panel title of the combined figure).
PANELS = {
    'frame': ('frame', '(a) frame'),
    'tube_mask': ('tube_mask', 'TubeToken mask'),
    'tube_masked': ('tube_masked', '(b) TubeToken mix'),
    'tube_avg': ('tube_avg', '(c) TubeToken: mean of {n} masks'),
    'loc_map': ('loc_map', '(d) localization map'),
    'asl_mask': ('asl_mask', 'ASL-guided mask'),
    'asl_masked': ('asl_masked', '(e) ASL-guided mix'),
    'asl_avg': ('asl_avg', '(f) ASL-guided: mean of {n} masks'),
}
#: Combined figure layout (2 x 3, the paper's Fig. 3 order).
FIGURE_LAYOUT = (('frame', 'tube_masked', 'tube_avg'), ('loc_map', 'asl_masked', 'asl_avg'))


@dataclass
class MaskFigure:
    """Everything drawn in Fig. 3 for one frame.

    Attributes:
        frame: (H, W, 3) RGB uint8 frame of clip A, at the backbone's frame size.
        partner: (H, W, 3) RGB uint8 frame of the partner clip B, or None (its tokens are drawn grey).
        loc_map: (hm, wm) float32 raw localization map of the frame.
        patch_size: Token size p in pixels; the token grid is (H / p, W / p).
        tube_masks: (S, h, w) float32 0/1 TubeToken masks (1 = keep A's token); the first is the one shown.
        asl_masks: (S, h, w) float32 0/1 ASL-guided masks.
        checkpoint: Localizer checkpoint path, or None for random weights.
    """

    frame: np.ndarray
    partner: Optional[np.ndarray]
    loc_map: np.ndarray
    patch_size: int
    tube_masks: np.ndarray
    asl_masks: np.ndarray
    checkpoint: Optional[str]


def backbone_geometry(model_config: Union[str, Config, dict]) -> Tuple[int, int]:
    """Read the patch size and the (square) frame size of a config's video backbone.

    Args:
        model_config: Config file or object whose ``model.video_backbone`` (a recognizer config) or
            ``model.recognizer.video_backbone`` (a semi-supervised config) has ``patch_size`` and ``img_size``.

    Returns:
        ``(patch_size, frame_size)`` in pixels.

    Raises:
        KeyError: If the config has no video backbone with those keys.
    """
    cfg = Config.fromfile(model_config) if isinstance(model_config, str) else model_config
    model = cfg['model']
    backbone = (model.get('video_backbone') or model.get('recognizer', {}).get('video_backbone')) or {}
    if 'patch_size' not in backbone or 'img_size' not in backbone:
        raise KeyError(f'{model_config if isinstance(model_config, str) else "config"} has no '
                       'model.video_backbone with patch_size and img_size; pass a video model config or '
                       '--patch-size/--frame-size')
    return int(backbone['patch_size']), int(backbone['img_size'])


def sample_mask_figure(frame: np.ndarray, loc_map: np.ndarray, patch_size: int, num_samples: int = 255,
                       tube_mixer: Optional[TubeTokenMixup] = None, asl_mixer: Optional[ASLGuidedMixup] = None,
                       partner: Optional[np.ndarray] = None, checkpoint: Optional[str] = None) -> MaskFigure:
    """Draw ``num_samples`` masks of each mixer on the frame's token grid with the global torch RNG.

    Args:
        frame: (H, W, 3) RGB uint8 with H and W multiples of ``patch_size``.
        loc_map: (hm, wm) raw localization map of the frame (any resolution: the ASL mixer resizes it to the token grid).
        patch_size: Backbone patch size p (token grid (H / p, W / p), one temporal token).
        num_samples: Masks per mixer (the first is shown, all are averaged).
        tube_mixer: TubeToken mixer; default ``TubeTokenMixup(alpha=10, share_across_batch=False)`` so that
            every sample draws its own ratio and mask.
        asl_mixer: ASL mixer; default ``ASLGuidedMixup(alpha1=5, alpha2=10)`` (paper Sec. 4.2).
        partner: Optional (H, W, 3) uint8 frame of the partner clip.
        checkpoint: Localizer checkpoint path, recorded in the result.

    Returns:
        The :class:`MaskFigure`.

    Raises:
        ValueError: If the frame does not divide into tokens or ``num_samples < 1``.
    """
    height, width = frame.shape[:2]
    if height % patch_size or width % patch_size:
        raise ValueError(f'frame {height}x{width} does not divide into {patch_size}-pixel tokens')
    if num_samples < 1:
        raise ValueError(f'num_samples must be >= 1, got {num_samples}')
    grid = (1, height // patch_size, width // patch_size)
    tube_mixer = tube_mixer or TubeTokenMixup(alpha=10.0, share_across_batch=False)
    asl_mixer = asl_mixer or ASLGuidedMixup(alpha1=5.0, alpha2=10.0)
    maps = torch.as_tensor(np.asarray(loc_map, np.float32))[None, None].expand(num_samples, -1, -1, -1)
    tube = tube_mixer(grid, num_samples).mask
    asl = asl_mixer(grid, num_samples, maps=maps).mask
    return MaskFigure(frame=frame, partner=partner, loc_map=np.asarray(loc_map, np.float32), patch_size=patch_size,
                      tube_masks=tube[:, 0].reshape(num_samples, *grid[1:]).cpu().numpy(),
                      asl_masks=asl[:, 0].reshape(num_samples, *grid[1:]).cpu().numpy(), checkpoint=checkpoint)


def upsample_tokens(tokens: np.ndarray, patch_size: int) -> np.ndarray:
    """Nearest-neighbour upsampling of a token-grid array to pixels.

    Args:
        tokens: (h, w) values per token.
        patch_size: Pixels per token side.

    Returns:
        (h * p, w * p) array of the same dtype.
    """
    return np.kron(tokens, np.ones((patch_size, patch_size), dtype=tokens.dtype))


def mix_frames(frame: np.ndarray, mask: np.ndarray, patch_size: int,
               partner: Optional[np.ndarray] = None) -> np.ndarray:
    """The mixed frame of Eq. 5: clip A's pixels on kept tokens, the partner's (or grey) elsewhere.

    Args:
        frame: (H, W, 3) uint8 frame of clip A.
        mask: (h, w) 0/1 token mask, 1 = A's token.
        patch_size: Pixels per token side.
        partner: (H, W, 3) uint8 frame of clip B; uniform grey when None.

    Returns:
        (H, W, 3) uint8.
    """
    keep = upsample_tokens(mask.astype(bool), patch_size)[:, :, None]
    other = np.full_like(frame, GREY) if partner is None else partner
    return np.where(keep, frame, other)


def render_panels(fig: MaskFigure, alpha: float = 0.5) -> Dict[str, np.ndarray]:
    """Images of every panel as RGB or grey uint8 arrays at the frame's size.

    Single masks are white where clip A's token is kept; averages are grey levels ``round(255 * mean)``
    (absolute scale, not normalised, so a uniform average stays flat).

    Args:
        fig: Figure data.
        alpha: Heat-map opacity of the localization overlay.

    Returns:
        Dict with the keys of :data:`PANELS`: (H, W, 3) RGB uint8 or (H, W) grey uint8 arrays.
    """
    def grey(values: np.ndarray) -> np.ndarray:
        return np.uint8(np.round(255 * upsample_tokens(values.astype(np.float64), fig.patch_size)))

    return {
        'frame': fig.frame,
        'tube_mask': grey(fig.tube_masks[0]),
        'tube_masked': mix_frames(fig.frame, fig.tube_masks[0], fig.patch_size, fig.partner),
        'tube_avg': grey(fig.tube_masks.mean(0)),
        'loc_map': overlay_map(fig.frame, fig.loc_map, alpha=alpha),
        'asl_mask': grey(fig.asl_masks[0]),
        'asl_masked': mix_frames(fig.frame, fig.asl_masks[0], fig.patch_size, fig.partner),
        'asl_avg': grey(fig.asl_masks.mean(0)),
    }


def output_paths(out_dir: str, stem: str) -> Dict[str, str]:
    """File of every panel plus the combined figure (key ``'figure'``) under ``out_dir``.

    Args:
        out_dir: Output folder.
        stem: File name prefix (usually the video's name).

    Returns:
        Dict key -> ``<out_dir>/<stem>_<suffix>.png``.
    """
    paths = {key: os.path.join(out_dir, f'{stem}_{suffix}.png') for key, (suffix, _) in PANELS.items()}
    paths['figure'] = os.path.join(out_dir, f'{stem}_fig3.png')
    return paths


def _draw_token_grid(ax, size: Tuple[int, int], patch_size: int) -> None:
    """Thin white lines on the token borders of an image axis."""
    height, width = size
    for y in range(patch_size, height, patch_size):
        ax.axhline(y - 0.5, color='white', linewidth=0.3, alpha=0.6)
    for x in range(patch_size, width, patch_size):
        ax.axvline(x - 0.5, color='white', linewidth=0.3, alpha=0.6)


def plot_figure(fig: MaskFigure, panels: Dict[str, np.ndarray], path: str, title: Optional[str] = None) -> None:
    """Write the combined 2 x 3 figure (matplotlib Agg).

    Args:
        fig: Figure data (for the statistics in the titles).
        panels: Output of :func:`render_panels`.
        path: PNG file.
        title: Optional figure title.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    num = len(fig.tube_masks)
    means = {'tube_avg': fig.tube_masks.mean(0), 'asl_avg': fig.asl_masks.mean(0)}
    lams = {'tube_masked': fig.tube_masks[0].mean(), 'asl_masked': fig.asl_masks[0].mean()}
    figure, axes = plt.subplots(2, 3, figsize=(9.6, 7.6), dpi=100)
    for row, keys in zip(axes, FIGURE_LAYOUT):
        for ax, key in zip(row, keys):
            label = PANELS[key][1].format(n=num)
            if key in means:
                image = ax.imshow(upsample_tokens(means[key], fig.patch_size), cmap='viridis', vmin=0, vmax=1,
                                  interpolation='nearest')
                label += f'\nmean {means[key].mean():.2f}, spatial std {means[key].std():.3f}'
                figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
            else:
                ax.imshow(panels[key], interpolation='nearest')
                if key in lams:
                    label += f'\n(lam = {lams[key]:.2f}; grey = tokens of clip B)' if fig.partner is None \
                        else f'\n(lam = {lams[key]:.2f})'
            if key != 'frame' and key != 'loc_map':
                _draw_token_grid(ax, fig.frame.shape[:2], fig.patch_size)
            ax.set_title(label, fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
    source = 'trained localizer' if fig.checkpoint else 'RANDOM-INIT localizer'
    figure.suptitle(f'{title + " - " if title else ""}{source}', fontsize=10)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def save_mask_figure(fig: MaskFigure, out_dir: str, stem: str, overwrite: bool = False,
                     title: Optional[str] = None) -> Dict[str, str]:
    """Write every panel PNG and the combined figure; nothing is written if any file exists.

    Args:
        fig: Figure data.
        out_dir: Output folder (created if missing).
        stem: File name prefix.
        overwrite: Replace existing files.
        title: Optional title of the combined figure.

    Returns:
        Dict key -> written path (keys of :data:`PANELS` and ``'figure'``).

    Raises:
        FileExistsError: If an output exists and ``overwrite`` is False (before writing anything).
        OSError: If OpenCV cannot write a file.
    """
    paths = output_paths(out_dir, stem)
    refuse_existing(paths.values(), overwrite)
    os.makedirs(out_dir, exist_ok=True)
    panels = render_panels(fig)
    for key, image in panels.items():
        write_image(paths[key], image)
    plot_figure(fig, panels, paths['figure'], title)
    return paths


__all__ = ['FIGURE_LAYOUT', 'GREY', 'PANELS', 'MaskFigure', 'backbone_geometry', 'mix_frames', 'output_paths',
           'plot_figure', 'render_panels', 'sample_mask_figure', 'save_mask_figure', 'upsample_tokens']
