"""Drawing: the audio-visual Visualizer, overlay videos of sound-source maps, captions (numpy images in,
images and files out)."""
from .av_visualizer import AVVisualizer, fbank_image
from .video import draw_caption, write_overlay_video

__all__ = ['AVVisualizer', 'draw_caption', 'fbank_image', 'write_overlay_video']
