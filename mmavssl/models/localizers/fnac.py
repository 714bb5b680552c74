"""FNAC / EZ-VSL sound-source localizer: the frozen map provider of ASL-guided mixup.

Parameter names follow the official FNAC (``OpenNLPLab/FNAC_AVL``) and EZ-VSL (``stoneMo/EZ-VSL``) models
(``imgnet.*``, ``img_proj.*``, ``audnet.*``, ``aud_proj.*``) so their checkpoints load without renaming.
"""
import contextlib
import copy
import itertools
import os
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmaction.structures import ActionDataSample
from mmengine.model import BaseModel
from torch import nn
from torch.fx.experimental.optimization import fuse as fold_conv_bn
from torchvision.models import resnet18

from mmavssl.registry import MODELS
from mmavssl.utils import safe_torch_load

IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)
_STAGE_CHANNELS = {1: 64, 2: 128, 3: 256, 4: 512}

# How :meth:`FNACLocalizer.localize` computes its maps (docs/benchmarks.md measures each switch). All switches
# off is the reference pass (the modules as trained: BN layers, NCHW, the dim-channel projection normalised per
# location); the defaults give the same maps within float32 rounding (tests/models/localizers/).
DEFAULT_MAP_PASS = dict(
    fold_bn=True,  # eval-mode BN folded into the preceding convs (a cached copy, rebuilt when weights change)
    channels_last=True,  # NHWC frames and weights: oneDNN convolutions without layout reorders
    projected_cosine=True,  # cosine with the projection folded into the audio side (see _projected_cosine)
    compile=False,  # torch.compile the trunks: False, True, or a dict of torch.compile keyword arguments
    cpu_bf16=False,  # bf16 autocast on CPU too (changes the maps by ~1e-2 and so some masks; measured only)
)
REFERENCE_MAP_PASS = dict(fold_bn=False, channels_last=False, projected_cosine=False, compile=False, cpu_bf16=False)


def map_pass_settings(overrides: Optional[dict] = None) -> Dict[str, Any]:
    """:data:`DEFAULT_MAP_PASS` updated with ``overrides``.

    Args:
        overrides: Switches to change, e.g. ``dict(compile=True)``; :data:`REFERENCE_MAP_PASS` for the reference.

    Returns:
        A complete, new settings dict.

    Raises:
        ValueError: On an unknown key.
    """
    unknown = set(overrides or {}) - set(DEFAULT_MAP_PASS)
    if unknown:
        raise ValueError(f'unknown map_pass keys {sorted(unknown)}; allowed: {sorted(DEFAULT_MAP_PASS)}.')
    return {**DEFAULT_MAP_PASS, **(overrides or {})}


class _MapTrunk(NamedTuple):
    """What :meth:`FNACLocalizer.localize` runs, prepared once per set of weights.

    Attributes:
        key: Identity and version of every tensor it was made from (a mismatch means rebuild).
        visual: (N, 3, H, W) -> (N, C, h, w) ResNet stem and stages up to ``visual_stage``.
        audio: (N, 1, F, S) -> (N, 512) audio ResNet.
        gram: (C, C) ``W^T W`` of the visual projection ``W`` (dim, C).
        cross: (C,) ``2 W^T b`` with its bias ``b``.
        bias_sq: () ``b . b``.
    """

    key: tuple
    visual: Callable[[torch.Tensor], torch.Tensor]
    audio: Callable[[torch.Tensor], torch.Tensor]
    gram: torch.Tensor
    cross: torch.Tensor
    bias_sq: torch.Tensor


def _fnac_init(module: nn.Module) -> None:
    """FNAC's initialisation of the audio net and projections (kaiming fan_out, trunc-normal 0.01, BN ~ N(1, .02))."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
        elif isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, mean=0.0, std=0.01)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, mean=1.0, std=0.02)
            nn.init.constant_(m.bias, 0.0)


def fnac_state_dict(checkpoint: Union[str, os.PathLike, dict]) -> Dict[str, torch.Tensor]:
    """Extract an FNAC/EZ-VSL state dict with the ``module.`` prefix of DDP training stripped.

    Args:
        checkpoint: Path of an official ``best.pth``/``latest.pth`` (a dict with ``model``), an mmengine
            checkpoint (``state_dict``), or an already loaded dict of either kind or a raw state dict.

    Returns:
        The state dict with FNAC parameter names.
    """
    source = os.fspath(checkpoint) if isinstance(checkpoint, (str, os.PathLike)) else 'the given dict'
    if not isinstance(checkpoint, dict):
        checkpoint = safe_torch_load(checkpoint, map_location='cpu')
    for key in ('model', 'state_dict'):
        if isinstance(checkpoint.get(key), dict):
            checkpoint = checkpoint[key]
            break
    if not all(isinstance(v, torch.Tensor) for v in checkpoint.values()):
        raise ValueError(f'{source} is not an FNAC/EZ-VSL checkpoint: expected a dict with a "model" (or '
                         f'"state_dict") entry of tensors, got keys {sorted(checkpoint)[:8]}')
    return {k[len('module.'):] if k.startswith('module.') else k: v for k, v in checkpoint.items()}


@MODELS.register_module()
class FNACLocalizer(BaseModel):
    """Two-stream ResNet-18 audio-visual localizer (FNAC; EZ-VSL with ``dropout_img=0`` and an EZ-VSL loss).

    Visual stream: ResNet-18 up to ``visual_stage`` -> dropout (train only) -> 1x1 conv -> L2 norm per location,
    (B, dim, h, w). Audio stream: 1-channel ResNet-18 -> global max pool -> linear -> L2 norm, (B, dim).
    Map: cosine similarity of the audio embedding with every location, divided by ``tau``.

    Args:
        tau: Temperature of the map (FNAC: 0.03).
        dim: Embedding size (FNAC: 512).
        dropout_img: Dropout on the visual feature map in training (FNAC 0.9, EZ-VSL 0).
        dropout_aud: Dropout on the pooled audio feature in training (FNAC 0).
        visual_stage: Last ResNet stage of the visual stream: 4 (official, stride 32, 7x7 maps at 224), or 3,
            2, 1 (stride 16, 8, 4) for small frames and small objects, where layer4's receptive field would
            span the whole frame; ``img_proj`` then takes 256, 128 or 64 channels and official checkpoints
            no longer fit.
        input_size: (H, W) frames are resized to inside :meth:`localize` and the model's forward; None keeps
            the input size.
        resize_mode: ``F.interpolate`` mode of that resize.
        video_mean: Per-channel mean (0-255 scale) the incoming frames were normalised with (the video
            preprocessor's); converted to ``loc_mean``/``loc_std`` inside.
        video_std: Per-channel std matching ``video_mean``.
        loc_mean: Normalisation the ResNet expects (ImageNet).
        loc_std: Normalisation std the ResNet expects (ImageNet).
        loss: Config of the training loss (``FNACLoss``); None for an inference-only localizer.
        checkpoint: Official FNAC/EZ-VSL (or mmengine) checkpoint loaded at construction, strictly.
        frozen: Keep the model in eval mode through ``model.train()`` and disable its gradients.
        bf16: Run :meth:`localize` under bf16 autocast on CUDA.
        map_pass: Overrides of :data:`DEFAULT_MAP_PASS` (how :meth:`localize` computes its maps).
        data_preprocessor: mmengine data preprocessor config (e.g. ``AVDataPreprocessor``).
        init_cfg: mmengine init config (mmengine-format checkpoints only; use ``checkpoint`` for official ones).
    """

    def __init__(self, tau: float = 0.03, dim: int = 512, dropout_img: float = 0.9, dropout_aud: float = 0.0,
                 visual_stage: int = 4, input_size: Optional[Tuple[int, int]] = (224, 224),
                 resize_mode: str = 'bilinear', video_mean: Sequence[float] = IMAGENET_MEAN,
                 video_std: Sequence[float] = IMAGENET_STD, loc_mean: Sequence[float] = IMAGENET_MEAN,
                 loc_std: Sequence[float] = IMAGENET_STD, loss: Optional[dict] = None,
                 checkpoint: Optional[str] = None, frozen: bool = False, bf16: bool = True,
                 map_pass: Optional[dict] = None, data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if visual_stage not in _STAGE_CHANNELS:
            raise ValueError(f'FNACLocalizer: visual_stage must be 1, 2, 3 or 4, got {visual_stage}')
        if tau <= 0:
            raise ValueError(f'FNACLocalizer: tau must be > 0, got {tau}')
        self.tau = tau
        self.visual_stage = visual_stage
        self.input_size = tuple(input_size) if input_size is not None else None
        self.resize_mode = resize_mode
        self.bf16 = bf16
        self.map_pass = map_pass_settings(map_pass)
        # per map_pass setting (a benchmark switches between them); a plain dict, so nn.Module registers the
        # copies inside neither as submodules nor as state-dict entries
        self._map_trunks: Dict[str, _MapTrunk] = {}
        self.video_mean, self.video_std = tuple(video_mean), tuple(video_std)

        self.imgnet = resnet18(weights=None)
        self.imgnet.avgpool = nn.Identity()
        self.imgnet.fc = nn.Identity()
        for unused in range(visual_stage + 1, 5):
            delattr(self.imgnet, f'layer{unused}')
        self.img_dropout = nn.Dropout(p=dropout_img)
        self.img_proj = nn.Conv2d(_STAGE_CHANNELS[visual_stage], dim, kernel_size=1)

        self.audnet = resnet18(weights=None)
        self.audnet.conv1 = nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.audnet.avgpool = nn.AdaptiveMaxPool2d((1, 1))
        self.audnet.fc = nn.Identity()
        self.aud_dropout = nn.Dropout(p=dropout_aud)
        self.aud_proj = nn.Linear(512, dim)
        for net in (self.audnet, self.img_proj, self.aud_proj):
            _fnac_init(net)

        # Frames arrive normalised by the video preprocessor; x * scale + shift renormalises them to the
        # ResNet's statistics in one op. Non-persistent so state dicts keep the official key set.
        v_mean, v_std = torch.tensor(video_mean), torch.tensor(video_std)
        l_mean, l_std = torch.tensor(loc_mean), torch.tensor(loc_std)
        self.register_buffer('_norm_scale', (v_std / l_std).view(1, 3, 1, 1), persistent=False)
        self.register_buffer('_norm_shift', ((v_mean - l_mean) / l_std).view(1, 3, 1, 1), persistent=False)

        self.loss_module = MODELS.build(loss) if loss is not None else None
        if checkpoint is not None:
            self.load_fnac_checkpoint(checkpoint)
        self.frozen = frozen
        if frozen:
            self.requires_grad_(False)
            self.eval()

    def load_fnac_checkpoint(self, checkpoint: Union[str, os.PathLike, dict]) -> None:
        """Load official FNAC/EZ-VSL weights strictly, with clear errors on missing/extra keys or shapes.

        Args:
            checkpoint: See :func:`fnac_state_dict`.

        Raises:
            KeyError: Keys missing from or unknown to the model (``num_batches_tracked`` may be missing).
            ValueError: A tensor whose shape differs from the model's.
        """
        state = fnac_state_dict(checkpoint)
        own = self.state_dict()
        missing = [k for k in own if k not in state and not k.endswith('num_batches_tracked')]
        unexpected = [k for k in state if k not in own]
        if missing or unexpected:
            raise KeyError(f'FNAC checkpoint does not match FNACLocalizer(visual_stage={self.visual_stage}): '
                           f'missing {missing[:10]}{" ..." if len(missing) > 10 else ""}, unexpected '
                           f'{unexpected[:10]}{" ..." if len(unexpected) > 10 else ""}. Official FNAC/EZ-VSL '
                           'checkpoints need visual_stage=4 and dim=512.')
        wrong = [f'{k}: checkpoint {tuple(v.shape)} vs model {tuple(own[k].shape)}'
                 for k, v in state.items() if v.shape != own[k].shape]
        if wrong:
            raise ValueError('FNAC checkpoint shapes do not match the model: ' + '; '.join(wrong[:10]))
        self.load_state_dict(state, strict=False)

    def train(self, mode: bool = True) -> 'FNACLocalizer':
        """Set train/eval mode; a frozen localizer stays in eval mode (mmengine calls ``train()`` every iter).

        Args:
            mode: Requested mode.

        Returns:
            self.
        """
        return super().train(mode and not self.frozen)

    def _prepare_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """Renormalise (N, 3, H, W) preprocessed frames to ImageNet statistics and resize to ``input_size``."""
        frames = frames.float() * self._norm_scale + self._norm_shift
        if self.input_size is not None and tuple(frames.shape[-2:]) != self.input_size:
            frames = F.interpolate(frames, size=self.input_size, mode=self.resize_mode,
                                   align_corners=False if self.resize_mode in ('bilinear', 'bicubic') else None)
        return frames

    def visual_features(self, frames: torch.Tensor) -> torch.Tensor:
        """Visual embeddings per location.

        Args:
            frames: (N, 3, H, W) frames already in the ResNet's normalisation.

        Returns:
            (N, dim, h, w) L2-normalised over ``dim`` (h = H / 2 ** (visual_stage + 1)).
        """
        net = self.imgnet
        x = net.maxpool(net.relu(net.bn1(net.conv1(frames))))
        for stage in range(1, self.visual_stage + 1):
            x = getattr(net, f'layer{stage}')(x)
        return F.normalize(self.img_proj(self.img_dropout(x)), dim=1)

    def audio_features(self, spec: torch.Tensor) -> torch.Tensor:
        """Audio embeddings.

        Args:
            spec: (N, 1, F, S) log spectrograms (``FNACSpectrogram``).

        Returns:
            (N, dim) L2-normalised.
        """
        return F.normalize(self.aud_proj(self.aud_dropout(self.audnet(spec.float()))), dim=1)

    @contextlib.contextmanager
    def _eval_mode(self) -> Iterator[None]:
        """Eval mode for the block; restores the previous train/eval mode."""
        was_training = self.training
        super().train(False)
        try:
            yield
        finally:
            super().train(was_training)

    def _autocast(self) -> contextlib.AbstractContextManager:
        """bf16 autocast on CUDA (``bf16``) and, with ``map_pass.cpu_bf16``, on CPU; else a no-op."""
        device_type = self._norm_scale.device.type
        if (device_type == 'cuda' and self.bf16) or (device_type == 'cpu' and self.map_pass['cpu_bf16']):
            return torch.autocast(device_type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def __getstate__(self) -> dict:
        """Pickle / deepcopy state without the cached map trunks: they are derived from the weights (copies
        would be rebuilt anyway, their storages being new) and may hold compiled code that cannot be copied."""
        state = super().__getstate__()
        state['_map_trunks'] = {}
        return state

    def _map_trunk_key(self) -> tuple:
        """Identity (storage, device) and in-place version of every tensor the map pass is built from.

        Loading a checkpoint, an optimizer step, ``.to()`` or any in-place edit changes one of them.
        """
        modules = (self.imgnet, self.audnet, self.img_proj)
        tensors = itertools.chain.from_iterable(itertools.chain(m.parameters(), m.buffers()) for m in modules)
        return tuple((t.data_ptr(), t.device, t._version) for t in tensors)

    @torch.no_grad()
    def _map_trunk(self) -> _MapTrunk:
        """The trunks and projection terms of the map pass, made once per set of weights (eval mode only).

        Built outside inference mode: copies made inside it would be inference tensors, which a later
        ``load_state_dict`` could not overwrite.
        """
        key = self._map_trunk_key()
        settings = self.map_pass
        slot = repr(sorted(settings.items()))
        if slot in self._map_trunks and self._map_trunks[slot].key == key:
            return self._map_trunks[slot]
        net = self.imgnet
        visual = nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool,
                               *(getattr(net, f'layer{stage}') for stage in range(1, self.visual_stage + 1)))
        audio: nn.Module = self.audnet
        if settings['fold_bn'] or settings['channels_last']:
            # copies, so that the trained modules keep their BN layers and layout (training and state dicts)
            visual, audio = copy.deepcopy(visual).eval(), copy.deepcopy(audio).eval()
        if settings['fold_bn']:
            visual, audio = fold_conv_bn(visual, inplace=True), fold_conv_bn(audio, inplace=True)
        if settings['channels_last']:
            visual, audio = visual.to(memory_format=torch.channels_last), audio.to(memory_format=torch.channels_last)
        if settings['compile']:
            kwargs = settings['compile'] if isinstance(settings['compile'], dict) else {}
            visual, audio = torch.compile(visual, **kwargs), torch.compile(audio, **kwargs)
        weight = self.img_proj.weight.flatten(1).float()
        bias = self.img_proj.bias.float()
        trunk = _MapTrunk(key=key, visual=visual, audio=audio, gram=weight.T @ weight, cross=2 * weight.T @ bias,
                          bias_sq=bias @ bias)
        self._map_trunks[slot] = trunk
        return trunk

    def _projected_cosine(self, feats: torch.Tensor, aud: torch.Tensor, trunk: _MapTrunk) -> torch.Tensor:
        """Cosine of ``img_proj(feats)`` with ``aud`` at every location, without computing ``img_proj(feats)``.

        For the 1x1 projection ``p = W x + b`` (W: (dim, C)) and a unit audio embedding ``a``:
        ``p . a = x . (W^T a) + b . a`` and ``|p|^2 = x^T (W^T W) x + 2 x . (W^T b) + b . b``. A location then
        costs C^2 + 3C multiply-adds instead of dim (C + 3): 8x fewer at ``visual_stage=1`` (C = 64, dim = 512),
        about the same at stage 4. Computed in float32 whatever the autocast dtype of the trunk.

        Args:
            feats: (B*T, C, h, w) stage features, frames of clip b at rows b*T .. b*T + T - 1.
            aud: (B, dim) unit audio embeddings.
            trunk: Its ``gram``, ``cross`` and ``bias_sq``.

        Returns:
            (B, T, h, w) cosines in [-1, 1].
        """
        n, c, h, w = feats.shape
        b = aud.shape[0]
        weight, bias = self.img_proj.weight.flatten(1).float(), self.img_proj.bias.float()
        aud = aud.float()
        # (B, T*h*w, C); a free view for channels_last features
        x = feats.float().permute(0, 2, 3, 1).reshape(b, -1, c)
        dot = torch.baddbmm((aud @ bias).view(b, 1, 1), x, (aud @ weight).unsqueeze(-1)).squeeze(-1)
        sq_norm = ((x @ trunk.gram + trunk.cross) * x).sum(-1) + trunk.bias_sq
        # F.normalize's eps; rounding can push a near-zero |p|^2 below 0
        return (dot / sq_norm.clamp_min(0).sqrt().clamp_min(1e-12)).view(b, n // b, h, w)

    def localize(self, imgs: torch.Tensor, loc_audios: torch.Tensor, frames_per_map: int = 1) -> torch.Tensor:
        """Per-frame localisation maps in one batched, eval-mode, inference-mode pass over all frames of all clips.

        ``map_pass`` chooses how (see :data:`DEFAULT_MAP_PASS`); every setting computes the same maps up to
        rounding (bf16 autocast: up to its precision).

        Args:
            imgs: Clips (B, C, T, H, W) normalised with ``video_mean``/``video_std``.
            loc_audios: Spectrograms (B, 1, F, S), one per clip, shared by its T frames.
            frames_per_map: Average the maps of groups of this many consecutive frames (1, 2, 4, 8...; must
                divide T); the group average is repeated over the group.

        Returns:
            Maps (B, T, h, w) float32 (ordinary tensors, not inference tensors): cosine similarity / tau of each
            location with the clip's audio.
        """
        if imgs.dim() != 5 or loc_audios.dim() != 4 or imgs.shape[0] != loc_audios.shape[0]:
            raise ValueError(f'localize expects imgs (B, C, T, H, W) and loc_audios (B, 1, F, S) with the same '
                             f'B, got {tuple(imgs.shape)} and {tuple(loc_audios.shape)}')
        batch, channels, frames_n, height, width = imgs.shape
        if frames_per_map < 1 or frames_n % frames_per_map:
            raise ValueError(f'frames_per_map must be a positive divisor of T={frames_n}, got {frames_per_map}')
        layout = torch.channels_last if self.map_pass['channels_last'] else torch.contiguous_format
        frames = imgs.transpose(1, 2).reshape(batch * frames_n, channels, height, width)
        with self._eval_mode():
            trunk = self._map_trunk()
            with torch.inference_mode(), self._autocast():
                feats = trunk.visual(self._prepare_frames(frames.contiguous(memory_format=layout)))
                aud = F.normalize(self.aud_proj(trunk.audio(loc_audios.float().contiguous(memory_format=layout))),
                                  dim=1)
                if self.map_pass['projected_cosine']:
                    with torch.autocast(feats.device.type, enabled=False):
                        cosine = self._projected_cosine(feats, aud, trunk)
                else:
                    img = F.normalize(self.img_proj(feats), dim=1)
                    img = img.view(batch, frames_n, *img.shape[1:])
                    cosine = torch.einsum('btchw,bc->bthw', img, aud)
        # outside inference mode: the maps become an ordinary tensor that callers may modify in place
        maps = cosine.float() / self.tau
        if frames_per_map > 1:
            grouped = maps.view(batch, frames_n // frames_per_map, frames_per_map, *maps.shape[-2:])
            maps = grouped.mean(dim=2, keepdim=True).expand_as(grouped).reshape(maps.shape)
        return maps

    @staticmethod
    def _split_inputs(inputs: Dict[str, torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
        """Flatten preprocessed views: imgs (N, V, C, T, H, W) -> (N*V, C, T, H, W), loc_audios likewise."""
        if 'loc_audios' not in inputs:
            raise KeyError("FNACLocalizer needs inputs['loc_audios'] (N, V, 1, F, S): add FNACSpectrogram to "
                           'the pipeline and pack its output')
        imgs, specs = inputs['imgs'], inputs['loc_audios']
        if imgs.dim() == 5:
            imgs, specs = imgs.unsqueeze(1), specs.unsqueeze(1)
        return imgs.flatten(0, 1), specs.flatten(0, 1)

    def forward(self, inputs: Dict[str, torch.Tensor], data_samples: Optional[List[ActionDataSample]] = None,
                mode: str = 'tensor') -> Union[Dict[str, torch.Tensor], List[ActionDataSample], torch.Tensor]:
        """mmengine entry point.

        Args:
            inputs: ``{'imgs': (N, V, C, T, H, W), 'loc_audios': (N, V, 1, F, S)}`` from the data preprocessor
                (the V axis may be absent).
            data_samples: One per clip (``predict`` stores maps in them).
            mode: ``'loss'``: FNAC losses on the centre frame ``T // 2`` of each view; ``'predict'``: data
                samples with ``pred_loc_map`` (h, w), the maps averaged over views and frames, and
                ``img_shape`` (H, W) of the frames when absent; ``'tensor'``: maps (N, V, T, h, w).

        Returns:
            Loss dict, data samples or maps, per ``mode``.
        """
        imgs, specs = self._split_inputs(inputs)
        if mode == 'loss':
            if self.loss_module is None:
                raise RuntimeError('FNACLocalizer was built with loss=None and cannot be trained')
            frames = self._prepare_frames(imgs[:, :, imgs.shape[2] // 2])
            return self.loss_module(self.visual_features(frames), self.audio_features(specs))
        views = inputs['imgs'].shape[1] if inputs['imgs'].dim() == 6 else 1
        maps = self.localize(imgs, specs)
        maps = maps.view(-1, views, *maps.shape[1:])
        if mode == 'tensor':
            return maps
        if mode != 'predict':
            raise ValueError(f"FNACLocalizer.forward: mode must be 'loss', 'predict' or 'tensor', got {mode!r}")
        if data_samples is None:
            data_samples = [ActionDataSample() for _ in range(maps.shape[0])]
        for sample, clip_maps in zip(data_samples, maps):
            sample.set_field(clip_maps.mean(dim=(0, 1)), 'pred_loc_map')
            if 'img_shape' not in sample:
                sample.set_metainfo({'img_shape': tuple(imgs.shape[-2:])})
        return data_samples
