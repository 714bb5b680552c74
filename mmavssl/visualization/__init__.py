"""Drawing: the audio-visual Visualizer, overlay videos and still images of sound-source maps, captions, the
paper's Fig. 3 mask panels (numpy images and maps in, images and files out)."""
from .av_visualizer import AVVisualizer, fbank_image
from .localization import draw_localization, refuse_existing, write_image
from .mask_figure import (MaskFigure, backbone_geometry, mix_frames, output_paths, plot_figure, render_panels,
                          sample_mask_figure, save_mask_figure, upsample_tokens)
from .video import draw_caption, write_overlay_video

__all__ = ['AVVisualizer', 'MaskFigure', 'backbone_geometry', 'draw_caption', 'draw_localization', 'fbank_image',
           'mix_frames', 'output_paths', 'plot_figure', 'refuse_existing', 'render_panels', 'sample_mask_figure',
           'save_mask_figure', 'upsample_tokens', 'write_image', 'write_overlay_video']
