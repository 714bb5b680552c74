"""timm-style weight initialisation shared by the transformer components."""
import torch.nn as nn


def init_vit_weights(module: nn.Module) -> None:
    """Initialise one module as timm's ViT does: truncated-normal (std 0.02) linear weights, zero biases,
    unit LayerNorms. Use with ``model.apply(init_vit_weights)``.

    Args:
        module: Any module; only ``nn.Linear`` and ``nn.LayerNorm`` are touched.
    """
    if isinstance(module, nn.Linear):
        nn.init.trunc_normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)
