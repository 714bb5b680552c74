"""``CheckpointCoverageHook``: refuse a checkpoint that would leave part of the model at its random init."""
import re
from typing import List, Optional, Sequence

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmavssl.registry import HOOKS

# The semi-supervised recognizers build their frozen localizer from its own checkpoint
# (``model.localizer.checkpoint``) and start the threshold state fresh when fine-tuning from a supervised
# checkpoint, so a checkpoint need not carry those keys.
DEFAULT_ALLOWED_MISSING = (r'^localizer\.', r'^threshold\.')


def _summary(keys: Sequence[str], limit: int = 5) -> str:
    return ', '.join(keys[:limit]) + (f' and {len(keys) - limit} more' if len(keys) > limit else '')


def _looks_like(checkpoint: dict, state_dict: dict) -> str:
    """What a checkpoint seems to belong to: its training config's model type, experiment and key prefixes."""
    meta = checkpoint.get('meta') if isinstance(checkpoint.get('meta'), dict) else {}
    model_type = re.search(r"model\s*=\s*dict\(\s*(?:[^()]*?\s)?type='([^']+)'", str(meta.get('cfg', '')))
    prefixes = sorted({key.split('.', 1)[0] for key in state_dict})
    parts = [f"model type '{model_type.group(1)}'" if model_type else None,
             f"experiment '{meta['experiment_name']}'" if meta.get('experiment_name') else None,
             f'top-level keys {_summary(prefixes)}']
    return '; '.join(p for p in parts if p)


@HOOKS.register_module()
class CheckpointCoverageHook(Hook):
    """Refuse ``load_from``, ``--resume`` and ``tools/test.py`` checkpoints that do not cover the model.

    mmengine loads checkpoints with ``strict=False`` and only logs a warning for missing keys, so testing a
    checkpoint of another model evaluates a randomly initialised network and exits 0. This hook installs a
    one-shot ``load_state_dict`` post-hook right before the runner loads a checkpoint into the model; when any
    parameter or buffer of the model stays unloaded (a missing key, or a key of the same name whose shape
    differs in the checkpoint), it raises ``RuntimeError`` listing a few of them, the unexpected keys and what the
    checkpoint looks like it belongs to.

    Keys matching ``allowed_missing`` may be absent: by default the frozen localizer (built from its own
    checkpoint) and the threshold state (fresh when fine-tuning from a supervised checkpoint). Plain
    recognizer checkpoints loaded into a semi-supervised model fill both student and teacher, so those are
    covered. ``allow_partial=True`` (``--allow-partial-checkpoint`` in ``tools/``) turns the error into
    mmengine's warning. When ``resume=True`` finds no checkpoint, the hook says so before training starts.

    Args:
        allow_partial: Accept checkpoints that leave parameters unloaded. Defaults to False.
        allowed_missing: Regular expressions of model keys a checkpoint may lack.
    """

    priority = 'VERY_HIGH'

    def __init__(self, allow_partial: bool = False,
                 allowed_missing: Sequence[str] = DEFAULT_ALLOWED_MISSING) -> None:
        self.allow_partial = allow_partial
        self.allowed_missing = [re.compile(p) for p in allowed_missing]

    def before_train(self, runner) -> None:
        """Say plainly when ``resume=True`` (``--resume``) found nothing to resume from."""
        # Checkpoints are written after at least one iteration, so iteration 0 means nothing was resumed.
        if runner.cfg.get('resume') and not runner.cfg.get('load_from') and runner.iter == 0:
            runner.logger.warning(f'--resume: no checkpoint found in {runner.work_dir} (no last_checkpoint file); '
                                  'training starts fresh from iteration 0.')

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Arm the coverage check for the load into the model that follows."""
        if self.allow_partial:
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        state_dict = checkpoint.get('state_dict', checkpoint)
        # Runner.load_checkpoint strips DDP's ``module.`` prefix (its default revise_keys) before loading.
        state_dict = {re.sub(r'^module\.', '', k): v for k, v in state_dict.items()}
        handle = None

        def check(module: torch.nn.Module, incompatible) -> None:
            handle.remove()
            # Compared after the load: a module may size its state from the checkpoint while loading
            # (FlexMatchThreshold with num_unlabeled=None); a true mismatch keeps the model's shape.
            own = model.state_dict()
            mismatched = [k for k, v in state_dict.items()
                          if k in own and torch.is_tensor(v) and tuple(v.shape) != tuple(own[k].shape)]
            unloaded = [k for k in incompatible.missing_keys
                        if 'num_batches_tracked' not in k and not any(p.search(k) for p in self.allowed_missing)]
            self._refuse(runner, model, checkpoint, state_dict, unloaded + mismatched,
                         list(incompatible.unexpected_keys), mismatched)

        handle = model.register_load_state_dict_post_hook(check)

    def _refuse(self, runner, model: torch.nn.Module, checkpoint: dict, state_dict: dict, unloaded: List[str],
                unexpected: List[str], mismatched: List[str]) -> None:
        if not unloaded:
            return
        total = len(model.state_dict())
        source = runner.cfg.get('load_from') or 'found in the work dir'
        shapes = f' ({len(mismatched)} with another shape: {_summary(mismatched)})' if mismatched else ''
        raise RuntimeError(
            f'Checkpoint {source} does not fit the {type(model).__name__} of this config: {len(unloaded)} of its '
            f'{total} parameters and buffers would stay at their random initialisation{shapes}. Unloaded: '
            f'{_summary(unloaded)}. Unexpected in the checkpoint: {_summary(unexpected) or "none"}. The checkpoint '
            f'looks like it belongs to: {_looks_like(checkpoint, state_dict)}. Use the config it was trained '
            'with, or, to load only what fits (e.g. a backbone), pass --allow-partial-checkpoint (tools/train.py, '
            'tools/test.py) or default_hooks.checkpoint_coverage.allow_partial=True.')
