"""The networks: the lecture's small CNN, pretrained bases, and the dense heads on top.

Every classifier takes RGB input in [0, 1] at its image size and returns logits: one for two classes
(sigmoid, binary cross-entropy, as in the lecture), one per class otherwise. Normalisation is the
model's first layer, so saved and exported models carry their own preprocessing.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from .backbones import build_base, get_backbone
from .names import SCRATCH  # noqa: F401 (the "backbone" name of the small CNN, also imported from here)
from .specs import HeadSpec  # noqa: F401 (plain data, without torch; also imported from here)

SCRATCH_MEAN, SCRATCH_STD = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)  # the small CNN reads pixels as they are


def output_units(num_classes: int) -> int:
    return 1 if num_classes == 2 else num_classes


def probabilities(logits: torch.Tensor, binary: bool | None = None) -> torch.Tensor:
    """Class probabilities ``(N, classes)`` from logits; one logit means two classes (sigmoid).

    Parameters
    ----------
    logits : torch.Tensor
        ``(N, 1)`` for two classes, ``(N, classes)`` otherwise.
    binary : bool, optional
        Whether the logits are a single column. When not given it is read from their shape, which
        is fine in eager code; a traced or exported model passes the classifier's ``binary`` instead,
        so that no branch depends on a tensor's shape while tracing (TorchScript warns about that).
    """
    logits = logits.float()
    if binary is None:
        binary = logits.shape[1] == 1
    if binary:
        positive = torch.sigmoid(logits)
        return torch.cat([1 - positive, positive], dim=1)
    return torch.softmax(logits, dim=1)


class Normalize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1))
        self.identity = tuple(mean) == (0, 0, 0) and tuple(std) == (1, 1, 1)

    def forward(self, x):
        if self.identity:  # the small CNN sees [0, 1] input as it is; skip two passes over the batch
            return x
        return (x - self.mean) / self.std

    def _load_from_state_dict(self, *args, **kwargs):
        super()._load_from_state_dict(*args, **kwargs)
        self.identity = bool((self.mean == 0).all() and (self.std == 1).all())


def small_cnn_base() -> tuple[nn.Module, nn.Module]:
    """The lecture's conv stack: 32, 64, 128, 128 filters (3x3, valid, ReLU), each with 2x2 max-pooling."""
    layers, channels = [], 3
    for filters in (32, 64, 128, 128):
        # max-pool then ReLU equals ReLU then max-pool (ReLU is monotonic) and touches 4x less data
        layers += [nn.Conv2d(channels, filters, 3), nn.MaxPool2d(2), nn.ReLU(inplace=True)]
        channels = filters
    return nn.Sequential(*layers), nn.Sequential()


class ImageClassifier(nn.Module):
    """normalise -> ``lower`` -> ``top`` -> pool or flatten -> head."""

    def __init__(self, lower, top, head_spec: HeadSpec, num_classes: int, image_size: int, mean, std, pool: bool):
        super().__init__()
        self.normalize = Normalize(mean, std)
        self.lower = lower
        self.top = top
        self.pool = pool
        with torch.no_grad():
            feature_size = self.features(torch.zeros(1, 3, image_size, image_size)).shape[1]
        layers = [nn.Dropout(head_spec.dropout_before)] if head_spec.dropout_before else []
        layers += [nn.Linear(feature_size, head_spec.hidden), nn.ReLU(inplace=True)]
        layers += [nn.Dropout(head_spec.dropout_after)] if head_spec.dropout_after else []
        layers += [nn.Linear(head_spec.hidden, output_units(num_classes))]
        self.head = nn.Sequential(*layers)
        self.feature_size = feature_size
        self.binary = output_units(num_classes) == 1  # one logit, sigmoid; a plain bool, so tracing never branches

    def features(self, x: torch.Tensor, lower_grad: bool = True, top_grad: bool = True,
                 lower: nn.Module | None = None, top: nn.Module | None = None) -> torch.Tensor:
        """Base output, pooled or flattened; frozen parts run without building a graph.

        ``lower`` and ``top`` replace the model's own parts for this call (folded frozen copies).
        """
        with torch.set_grad_enabled(lower_grad and torch.is_grad_enabled()):
            x = (lower or self.lower)(self.normalize(x))
        with torch.set_grad_enabled(top_grad and torch.is_grad_enabled()):
            x = (top or self.top)(x)
        return self.pool_or_flatten(x)

    def pool_or_flatten(self, x: torch.Tensor) -> torch.Tensor:
        """The base's output map as the head's input vector."""
        return x.mean(dim=(2, 3)) if self.pool else torch.flatten(x, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def build_classifier(
    backbone: str,
    num_classes: int,
    head_spec: HeadSpec,
    image_size: int,
    state_dict: dict | None = None,
) -> ImageClassifier:
    """The lecture's small CNN (``backbone=SCRATCH``) or a registered backbone with a dense head.

    ``state_dict`` holds the backbone's pretrained weights; without it, weights are random (tests,
    and loading a saved model, whose file holds every weight).
    """
    if backbone == SCRATCH:
        lower, top = small_cnn_base()
        return ImageClassifier(lower, top, head_spec, num_classes, image_size, SCRATCH_MEAN, SCRATCH_STD,
                               pool=False)
    spec = get_backbone(backbone)
    lower, top = build_base(spec, state_dict)
    return ImageClassifier(lower, top, head_spec, num_classes, image_size, spec.mean, spec.std, spec.output == "pool")


def fold_batchnorm(module: nn.Module) -> nn.Module:
    """Fold every batch norm that directly follows a convolution into it, in place (inference only).

    A frozen base computes the same function with one pass less over every feature map: about a
    fifth faster for EfficientNet-Lite0 on a CPU. timm's BatchNormAct2d keeps its activation.
    """
    names = list(module._modules)
    for conv_name, norm_name in zip(names, names[1:]):
        conv, norm = module._modules[conv_name], module._modules[norm_name]
        if isinstance(conv, nn.Conv2d) and isinstance(norm, nn.BatchNorm2d) and norm.running_var is not None:
            with torch.no_grad():
                scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
                bias = conv.bias if conv.bias is not None else torch.zeros_like(norm.running_mean)
                conv.weight.mul_(scale.view(-1, 1, 1, 1))
                conv.bias = nn.Parameter((bias - norm.running_mean) * scale + norm.bias, requires_grad=False)
            after = [m for m in (getattr(norm, "drop", None), getattr(norm, "act", None))
                     if m is not None and not isinstance(m, nn.Identity)]
            module._modules[norm_name] = nn.Sequential(*after) if after else nn.Identity()
    for child in module.children():
        fold_batchnorm(child)
    return module


def frozen_copy(module: nn.Module) -> nn.Module:
    """A batch-norm-folded, gradient-free copy of ``module`` for inference."""
    return fold_batchnorm(copy.deepcopy(module).eval()).requires_grad_(False)


_FLOAT32_CLASSES: dict[type, type] = {}


def depthwise_in_float32(module: nn.Module) -> int:
    """Make the depthwise convolutions in ``module`` compute in float32 under autocast; how many.

    For training on a CPU: the backward pass of a bfloat16 depthwise 5x5 convolution is 3-4 times
    slower there than in float32 (measured with oneDNN on an AVX-512 BF16 CPU), and made up most of a
    fine-tuning step of EfficientNet-Lite0's top block, while its forward pass is cheap either way. The
    layers keep their weights and names (each gets a subclass of its own class), so saved models and
    state dicts do not change.
    """
    changed = 0
    for conv in module.modules():
        if (isinstance(conv, nn.Conv2d) and conv.groups > 1 and conv.groups == conv.in_channels
                and conv.kernel_size != (1, 1) and type(conv) not in _FLOAT32_CLASSES.values()):
            conv.__class__ = _float32_class(type(conv))
            changed += 1
    return changed


def _float32_class(cls: type) -> type:
    if cls not in _FLOAT32_CLASSES:
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            with torch.autocast(x.device.type, enabled=False):
                return cls.forward(self, x.float()).to(x.dtype)

        _FLOAT32_CLASSES[cls] = type(f"Float32{cls.__name__}", (cls,), {"forward": forward})
    return _FLOAT32_CLASSES[cls]


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
