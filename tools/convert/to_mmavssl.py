"""Convert a downloaded public checkpoint to mmavssl backbone key names.

Examples::

    # TimeSformer-style init from a timm ImageNet ViT-B/16 (SVFormer, the paper)
    python tools/convert/to_mmavssl.py timm_vit jx_vit_base_p16_224-80ecf9dd.pth vit_b16_divided_8x224.pth \
        --num-frames 8 --img-size 224
    # VideoMAE ViT-B K400 (joint layout, tubelet 2)
    python tools/convert/to_mmavssl.py videomae checkpoint.pth videomae_b_joint.pth
    # mmaction2 VideoMAE port (recognizer checkpoint)
    python tools/convert/to_mmavssl.py mmaction_vit vit-base-p16_videomae-k400-pre_16x4x1_kinetics-400.pth out.pth
    # AST (AudioSet) / AudioMAE encoders
    python tools/convert/to_mmavssl.py ast audioset_10_10_0.4593.pth ast_b.pth --dst-grid 12 101
    python tools/convert/to_mmavssl.py audiomae finetuned.pth audiomae_b.pth

Use the output with ``video_backbone=dict(..., pretrained='out.pth')`` (or ``init_cfg=dict(type='Pretrained',
checkpoint='out.pth')``), or pass ``--prefix video_backbone.`` to use it as a recognizer's ``load_from``.
"""
import argparse

from mmavssl.models.utils.convert import CONVERTERS, load_state_dict_file, save_converted
from mmavssl.utils import trust_checkpoint
from mmavssl.utils.cli import HelpFormatter


def parse_args() -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter, allow_abbrev=False)
    parser.add_argument('source', choices=sorted(CONVERTERS), help='layout of the input checkpoint')
    parser.add_argument('src', help='downloaded checkpoint (.pth, .pt, .bin or .safetensors)')
    parser.add_argument('dst', help='output file (never overwritten)')
    parser.add_argument('--prefix', default='', help="key prefix, e.g. 'video_backbone.' for load_from")
    parser.add_argument('--num-frames', type=int, default=8, help='timm_vit: target frames T')
    parser.add_argument('--img-size', type=int, default=224, help='timm_vit: target crop size')
    parser.add_argument('--tubelet-size', type=int, default=1, help='timm_vit: target tubelet size')
    parser.add_argument('--learnable-pos-embed', action='store_true',
                        help='videomae/mmaction_vit: keep pos_embed (target pos_embed_type=learnable)')
    parser.add_argument('--src-grid', type=int, nargs=2, help='ast: (freq, time); audiomae: (time, freq) grid')
    parser.add_argument('--dst-grid', type=int, nargs=2, help='ast/audiomae: target (freq, time) grid')
    parser.add_argument('--drop-dist-token', action='store_true', help='ast: target with_dist_token=False')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow full unpickling of SRC (only for files you trust)')
    return parser.parse_args()


def main() -> None:
    """Convert and save."""
    args = parse_args()
    if args.trust_checkpoint:
        trust_checkpoint(args.src)
    state_dict = load_state_dict_file(args.src)
    kwargs = {}
    if args.source == 'timm_vit':
        kwargs = dict(num_frames=args.num_frames, img_size=args.img_size, tubelet_size=args.tubelet_size)
    elif args.source in ('videomae', 'mmaction_vit'):
        kwargs = dict(learnable_pos_embed=args.learnable_pos_embed)
    else:
        if args.src_grid:
            kwargs['src_grid'] = tuple(args.src_grid)
        if args.dst_grid:
            kwargs['dst_grid'] = tuple(args.dst_grid)
        if args.source == 'ast':
            kwargs['keep_dist_token'] = not args.drop_dist_token
    converted = CONVERTERS[args.source](state_dict, **kwargs)
    save_converted(converted, args.dst, prefix=args.prefix,
                   meta=dict(source=args.source, src=str(args.src), **{k: str(v) for k, v in kwargs.items()}))
    print(f'wrote {len(converted)} tensors to {args.dst}')


if __name__ == '__main__':
    main()
