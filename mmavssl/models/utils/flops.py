"""Parameter and FLOP counting for recognizer configs.

FLOPs are counted with ``torch.utils.flop_counter.FlopCounterMode`` on the meta device: the model is built
without memory, every matmul / convolution / attention op is scored from its shapes, and nothing is
computed. On meta tensors ``F.scaled_dot_product_attention`` runs its math decomposition, so attention is
counted (mmengine's and fvcore's jit counters score SDPA as zero); the fused CPU kernel is mapped as well.
Figures are reported as GFLOPs = 1e9 multiply-accumulates, the convention of fvcore, mmengine and the
TimeSformer / VideoMAE papers (FlopCounterMode's raw count is 2 x MACs). Element-wise ops (LayerNorm, GELU,
softmax) are not counted, as in those tools.
"""
from typing import Any, Callable, Dict, Optional, Tuple

import torch
import torch.nn as nn
from mmaction.structures import ActionDataSample
from torch.utils.flop_counter import FlopCounterMode, sdpa_flop_count

from mmavssl.registry import MODELS


def _cpu_sdpa_flops(query_shape: Tuple[int, ...], key_shape: Tuple[int, ...], value_shape: Tuple[int, ...],
                    *args: Any, out_shape: Any = None, **kwargs: Any) -> int:
    """FLOPs of the fused CPU flash-attention kernel (not registered in torch's counter)."""
    return sdpa_flop_count(query_shape, key_shape, value_shape)


_CUSTOM: Dict[Any, Callable] = {}
if hasattr(torch.ops.aten, '_scaled_dot_product_flash_attention_for_cpu'):
    _CUSTOM[torch.ops.aten._scaled_dot_product_flash_attention_for_cpu] = _cpu_sdpa_flops


def count_parameters(model: nn.Module) -> Tuple[int, int]:
    """Count parameters.

    Args:
        model: Any module.

    Returns:
        (trainable, total) parameter counts.
    """
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, total


def count_macs(fn: Callable[[], Any]) -> Tuple[int, Dict[str, int]]:
    """Multiply-accumulates of running ``fn`` (forward and, if ``fn`` calls it, backward).

    Args:
        fn: Zero-argument callable doing the work.

    Returns:
        (total MACs, MACs per top-level submodule, keyed by class name).
    """
    with FlopCounterMode(display=False, depth=1, custom_mapping=_CUSTOM) as counter:
        fn()
    per_module = {name: sum(ops.values()) // 2 for name, ops in counter.get_flop_counts().items()
                  if name != 'Global' and '.' not in name}
    return counter.get_total_flops() // 2, per_module


def build_meta_model(model_cfg: dict) -> nn.Module:
    """Build a model on the meta device (no memory, no initialisation cost).

    Weights that a module would load in its constructor (``checkpoint=...``, e.g. a frozen localizer's) are
    not loaded: meta tensors hold no data, and weights change neither the parameter count nor the FLOPs.

    Args:
        model_cfg: The config's ``model`` dict.

    Returns:
        The model with meta parameters.
    """
    with torch.device('meta'):
        return MODELS.build(without_checkpoints(model_cfg))


def without_checkpoints(cfg: Any) -> Any:
    """Copy of a (nested) config with every ``checkpoint`` value set to None."""
    if isinstance(cfg, dict):
        return {k: None if k == 'checkpoint' else without_checkpoints(v) for k, v in cfg.items()}
    if isinstance(cfg, (list, tuple)):
        return type(cfg)(without_checkpoints(v) for v in cfg)
    return cfg


def view_inputs(model: nn.Module, batch_size: int = 1, num_views: int = 1,
                device: torch.device = torch.device('meta')) -> Dict[str, torch.Tensor]:
    """Preprocessed inputs of the shapes the model's backbones are configured for.

    Args:
        model: An ``AVRecognizer`` (or a model exposing one as ``student``).
        batch_size: N.
        num_views: V.
        device: Tensor device.

    Returns:
        ``{'imgs': (N, V, C, T, H, W), 'audios': (N, V, L, M)}`` restricted to the model's modalities.
    """
    model = getattr(model, 'student', model)
    inputs = {}
    video = getattr(model, 'video_backbone', None)
    if video is not None:
        channels = video.patch_embed.proj.in_channels
        shape = (batch_size, num_views, channels, video.num_frames, video.img_size, video.img_size)
        inputs['imgs'] = torch.zeros(shape, device=device)
    audio = getattr(model, 'audio_backbone', None)
    if audio is not None:
        inputs['audios'] = torch.zeros(batch_size, num_views, audio.input_length, audio.num_mel_bins,
                                       device=device)
    return inputs


def _samples(batch_size: int, num_classes: int) -> list:
    """Labeled data samples for a loss call."""
    return [ActionDataSample().set_gt_label(torch.tensor([i % num_classes])) for i in range(batch_size)]


def complexity(model_cfg: dict, train_batch_size: int = 1,
               unlabeled_batch_size: Optional[int] = None) -> Dict[str, Any]:
    """Parameters and GFLOPs of a recognizer config.

    * ``gflops_per_view``: one forward of one view (test-time cost of one of the V clips x crops).
    * ``gflops_per_iter``: one supervised training iteration of ``train_batch_size`` clips, forward and
      backward counted op by op (frozen parameters get no weight gradients).
    * For semi-supervised models (``student`` / ``teacher`` attributes), ``gflops_per_iter_semi`` estimates
      one iteration with ``train_batch_size`` labeled and ``unlabeled_batch_size`` unlabeled clips from the
      measured pieces: labeled = student forward + backward; unlabeled = teacher forward on the weak view,
      student forward + backward on the strong view and on the mixed clip (the frozen localizer's forward
      is not included: its input shapes live in the dataset config).

    Args:
        model_cfg: The config's ``model`` dict.
        train_batch_size: Labeled clips per iteration.
        unlabeled_batch_size: Unlabeled clips per iteration (semi-supervised models only; default 5 x
            ``train_batch_size``, the paper's 1 : 5).

    Returns:
        Dict with ``params_trainable``, ``params_total`` (counts), ``gflops_per_view``,
        ``gflops_per_view_modules`` (per top-level module), ``gflops_per_iter`` and, for semi-supervised
        models, ``gflops_per_iter_semi``.
    """
    model = build_meta_model(model_cfg)
    trainable, total = count_parameters(model)
    recognizer = getattr(model, 'student', model)
    num_classes = recognizer.cls_head.num_classes

    def forward_one() -> None:
        inputs = {k: v[:, 0] for k, v in view_inputs(recognizer).items()}
        recognizer.classify(recognizer.extract_feat(inputs.get('imgs'), inputs.get('audios')))

    def train_iter() -> None:
        losses = recognizer.loss(view_inputs(recognizer, train_batch_size), _samples(train_batch_size, num_classes))
        sum(v for k, v in losses.items() if 'loss' in k).backward()

    recognizer.eval()
    with torch.no_grad():
        per_view, per_module = count_macs(forward_one)
    recognizer.train()
    per_iter, _ = count_macs(train_iter)
    result = dict(params_trainable=trainable, params_total=total, gflops_per_view=per_view / 1e9,
                  gflops_per_view_modules={k: v / 1e9 for k, v in per_module.items()},
                  gflops_per_iter=per_iter / 1e9)
    if hasattr(model, 'student') and hasattr(model, 'teacher'):
        unlabeled = 5 * train_batch_size if unlabeled_batch_size is None else unlabeled_batch_size
        per_clip_train = per_iter / train_batch_size
        semi = train_batch_size * per_clip_train + unlabeled * (per_view + 2 * per_clip_train)
        result['gflops_per_iter_semi'] = semi / 1e9
    return result
