"""The model file: one safetensors file whose metadata says everything prediction needs.

Safetensors holds only tensors and a JSON header, so opening a model never runs code. The metadata
carries the class names, input size, normalisation, backbone, head, recipe and metrics, plus a
digest of every tensor so that a changed or damaged file is refused. Writes go to a temporary file
that is renamed into place, so a crash or a full disk never leaves a half-written model behind.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .errors import ModelFileError, UserError
from .files import write_atomically  # noqa: F401 (also imported from here by callers)
from .models import SCRATCH, HeadSpec, ImageClassifier, build_classifier

FORMAT = "catdog-gui-model"
FORMAT_VERSION = "1"
MAX_CLASSES = 1000
MAX_NAME = 255  # a class name is a folder name, which no file system lets be longer
MAX_METRICS = 32


@dataclass(frozen=True)
class ModelInfo:
    """What a model file says about its model."""

    classes: list[str]
    image_size: int
    backbone: str
    head: HeadSpec
    mean: tuple[float, ...]
    std: tuple[float, ...]
    recipe: str = ""
    metrics: dict = field(default_factory=dict)

    def metadata(self) -> dict[str, str]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "classes": json.dumps(self.classes),
            "image_size": str(self.image_size),
            "backbone": self.backbone,
            "head": json.dumps(self.head.as_dict()),
            "mean": json.dumps(list(self.mean)),
            "std": json.dumps(list(self.std)),
            "input": "RGB, float32 in [0, 1], NCHW, resized to image_size x image_size (no crop)",
            "recipe": self.recipe,
            "metrics": json.dumps(self.metrics),
        }


def model_info(model: ImageClassifier, classes, image_size, backbone, head, recipe="", metrics=None) -> ModelInfo:
    return ModelInfo(
        classes=list(classes), image_size=image_size, backbone=backbone, head=head,
        mean=tuple(model.normalize.mean.flatten().tolist()), std=tuple(model.normalize.std.flatten().tolist()),
        recipe=recipe, metrics=dict(metrics or {}),
    )


def save_model(path: str | os.PathLike, model: ImageClassifier, info: ModelInfo) -> Path:
    """Write ``model`` and ``info`` to ``path`` atomically; the old file stays intact on any failure."""
    from safetensors.torch import save_file

    path = Path(path)
    tensors = {name: t.detach().to("cpu", torch.float32).clone(memory_format=torch.contiguous_format)
               for name, t in model.state_dict().items()
               if t.is_floating_point()}
    metadata = info.metadata()
    metadata["sha256"] = _digest(tensors, metadata)
    write_atomically(path, lambda temp: save_file(tensors, temp, metadata=metadata))
    return path


def read_info(path: str | os.PathLike) -> tuple[ModelInfo, dict[str, torch.Tensor]]:
    """Read and check a model file: its metadata and tensors. Raises ModelFileError with the reason."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file")
    try:
        with safe_open(str(path), framework="pt") as handle:
            metadata = handle.metadata() or {}
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as error:
        raise ModelFileError(f"{path}: not a model file, or damaged/truncated ({error})") from None
    if metadata.get("format") != FORMAT:
        raise ModelFileError(f"{path}: a safetensors file, but not a catdog-gui model (no '{FORMAT}' metadata)")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(f"{path}: model format version {metadata.get('format_version')!r} is not supported")
    if metadata.get("sha256") != _digest(tensors, metadata):
        raise ModelFileError(f"{path}: the contents do not match their checksum; the file was changed or damaged")
    try:
        info = _parse(metadata)
    except (KeyError, ValueError, TypeError, RecursionError) as error:  # RecursionError: JSON nested too deep
        raise ModelFileError(f"{path}: invalid metadata ({type(error).__name__}: {str(error)[:200]})") from None
    broken = next((name for name, t in sorted(tensors.items()) if not torch.isfinite(t).all()), None)
    if broken is not None:
        raise ModelFileError(f"{path}: the weights hold NaN or infinite values ({broken}); the model would give "
                             "meaningless answers (a run whose learning rate was too high saves such a model)")
    return info, tensors


def load_model(path: str | os.PathLike) -> tuple[ImageClassifier, ModelInfo]:
    """Rebuild the model a file describes and load its weights (no download, no unpickling)."""
    info, tensors = read_info(path)
    try:
        with torch.device("meta"):  # shapes only: metadata must not make us allocate what the file does not hold
            skeleton = build_classifier(info.backbone, len(info.classes), info.head, info.image_size)
        expected = {k: tuple(t.shape) for k, t in skeleton.state_dict().items() if t.is_floating_point()}
        if set(tensors) != set(expected):
            raise ValueError(f"{len(set(expected) ^ set(tensors))} tensors missing or unexpected")
        wrong = next((k for k in sorted(expected) if tuple(tensors[k].shape) != expected[k]), None)
        if wrong is not None:
            raise ValueError(f"{wrong} has shape {tuple(tensors[wrong].shape)}; the model needs {expected[wrong]}")
        for name, values in (("mean", info.mean), ("std", info.std)):
            if not torch.allclose(tensors[f"normalize.{name}"].flatten(), torch.tensor(values), atol=1e-6):
                raise ValueError(f"the normalisation {name} in the metadata differs from the weights'")
        model = build_classifier(info.backbone, len(info.classes), info.head, info.image_size)
        model.load_state_dict(tensors, strict=False)
    except (RuntimeError, ValueError, UserError) as error:
        raise ModelFileError(f"{Path(path)}: the weights do not fit the model the metadata describes ({error})") from None
    return model.eval(), info


def _parse(metadata: dict[str, str]) -> ModelInfo:
    classes = json.loads(metadata["classes"])
    if not (isinstance(classes, list) and 2 <= len(classes) <= MAX_CLASSES
            and all(isinstance(c, str) and 0 < len(c) <= MAX_NAME for c in classes)
            and len(set(classes)) == len(classes)):
        raise ValueError(f"classes must be 2 to {MAX_CLASSES} distinct names of 1 to {MAX_NAME} characters")
    image_size = int(metadata["image_size"])
    if not 48 <= image_size <= 1024:
        raise ValueError(f"image size {image_size} is outside 48..1024")
    head = HeadSpec(**json.loads(metadata["head"]))
    if not (type(head.hidden) is int and 1 <= head.hidden <= 65536  # a float or bool would reach nn.Linear
            and 0 <= head.dropout_before < 1 and 0 <= head.dropout_after < 1):
        raise ValueError("head sizes out of range")
    mean, std = json.loads(metadata["mean"]), json.loads(metadata["std"])
    if not (len(mean) == len(std) == 3 and all(math.isfinite(v) for v in mean)
            and all(math.isfinite(v) and v > 0 for v in std)):
        raise ValueError("mean and std must be three finite numbers (std above 0)")
    metrics = json.loads(metadata.get("metrics", "{}"))
    if not (isinstance(metrics, dict) and len(metrics) <= MAX_METRICS
            and all(len(k) <= MAX_NAME and _is_finite_number(v) for k, v in metrics.items())):
        raise ValueError(f"metrics must map at most {MAX_METRICS} names to numbers")
    recipe = metadata.get("recipe", "")
    if len(recipe) > MAX_NAME:
        raise ValueError(f"the recipe name is longer than {MAX_NAME} characters")
    backbone = metadata["backbone"]
    if backbone != SCRATCH:
        from .backbones import BACKBONES

        if backbone not in BACKBONES:
            raise ValueError(f"unknown backbone {backbone!r}")
    return ModelInfo(classes, image_size, backbone, head, tuple(mean), tuple(std), recipe, metrics)


def _is_finite_number(value) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def _digest(tensors: dict[str, torch.Tensor], metadata: dict[str, str]) -> str:
    """SHA-256 over the metadata (but the digest itself) and every tensor's name, shape and bytes."""
    digest = hashlib.sha256()
    digest.update(json.dumps({k: v for k, v in metadata.items() if k != "sha256"}, sort_keys=True).encode())
    for name in sorted(tensors):
        tensor = tensors[name]
        digest.update(name.encode())
        digest.update(str(tuple(tensor.shape)).encode())
        flat = tensor.reshape(-1)
        digest.update(flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b"")
    return digest.hexdigest()
