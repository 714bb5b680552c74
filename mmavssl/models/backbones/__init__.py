"""Backbones: the video ViT (divided / joint space-time) and the spectrogram ViT."""
from .audio_encoder import AudioEncoder
from .divided_st_block import DividedSTBlock
from .video_vit import ConvStemEmbed, TubeletEmbed, VideoViT

__all__ = ['AudioEncoder', 'ConvStemEmbed', 'DividedSTBlock', 'TubeletEmbed', 'VideoViT']
