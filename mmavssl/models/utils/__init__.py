"""Helpers shared by model components (weight conversion, FLOP counting)."""
from .convert import (CONVERTERS, convert_ast, convert_audiomae, convert_mmaction_vit, convert_timm_vit,
                      convert_videomae, load_state_dict_file, save_converted)
from .flops import complexity, count_macs, count_parameters, without_checkpoints
from .init import init_vit_weights
from .pos_embed import resize_grid_embed, resize_pos_embed, sinusoid_table
from .transformer import drop_path_rates, make_vit_blocks, run_blocks

__all__ = ['CONVERTERS', 'complexity', 'convert_ast', 'convert_audiomae', 'convert_mmaction_vit',
           'convert_timm_vit', 'convert_videomae', 'count_macs', 'count_parameters', 'drop_path_rates',
           'init_vit_weights', 'load_state_dict_file', 'make_vit_blocks', 'resize_grid_embed',
           'resize_pos_embed', 'run_blocks', 'save_converted', 'sinusoid_table', 'without_checkpoints']
