"""Drawing: overlay videos of sound-source maps, captions (numpy images in, images and files out)."""
from .video import draw_caption, write_overlay_video

__all__ = ['draw_caption', 'write_overlay_video']
