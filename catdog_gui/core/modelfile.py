"""The model file: one safetensors file whose metadata says everything prediction needs.

Safetensors holds only tensors and a JSON header, so opening a model never runs code. The metadata
carries the class names, input size, normalisation, backbone, head, recipe and metrics, plus a
digest of every tensor so that a changed or damaged file is refused. Writes go to a temporary file
that is renamed into place, so a crash or a full disk never leaves a half-written model behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .errors import ModelFileError, UserError
from .files import write_atomically  # noqa: F401 (also imported from here by callers)
from .models import SCRATCH, HeadSpec, ImageClassifier, build_classifier
# MAX_NAME: a class name is a folder name, which no file system lets be longer (also a metric's limit).
from .runfiles import MAX_NAME, is_finite_number, model_metrics

FORMAT = "catdog-gui-model"
FORMAT_VERSION = "1"
MAX_CLASSES = 1000
HEAD_FIELDS = {"hidden", "dropout_before", "dropout_after"}  # HeadSpec's, as a model file's "head" holds them


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
        raise ModelFileError(f"{path}: invalid metadata ({_what_is_wrong(error)})") from None
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


def _what_is_wrong(error: Exception) -> str:
    """What :func:`_parse` found wrong, for people: its own messages as they are, Python's with their kind."""
    if isinstance(error, KeyError):
        return f"it has no '{error.args[0]}' entry"
    if isinstance(error, _MetadataProblem):
        return str(error)
    return f"{type(error).__name__}: {str(error)[:200]}"


class _MetadataProblem(ValueError):
    """A metadata entry of the wrong shape or type, said in words."""


def _json_entry(metadata: dict[str, str], name: str):
    """The JSON value of metadata entry ``name`` (KeyError if it is missing)."""
    try:
        return json.loads(metadata[name])
    except json.JSONDecodeError:
        raise _MetadataProblem(f"'{name}' is not JSON") from None


def _numbers(values, name: str) -> tuple[float, ...]:
    """Three finite numbers from metadata entry ``name`` (the normalisation's mean or std)."""
    if not (isinstance(values, list) and len(values) == 3 and all(is_finite_number(v) for v in values)):
        raise _MetadataProblem(f"'{name}' must be a list of three finite numbers")
    return tuple(values)


def _parse(metadata: dict[str, str]) -> ModelInfo:
    classes = _json_entry(metadata, "classes")
    if not (isinstance(classes, list) and 2 <= len(classes) <= MAX_CLASSES
            and all(isinstance(c, str) and 0 < len(c) <= MAX_NAME for c in classes)
            and len(set(classes)) == len(classes)):
        raise _MetadataProblem(f"classes must be 2 to {MAX_CLASSES} distinct names of 1 to {MAX_NAME} characters")
    size_text = metadata["image_size"]
    if not re.fullmatch(r"-?[0-9]+", size_text):
        raise _MetadataProblem(f"'image_size' must be a whole number, not {size_text[:40]!r}")
    image_size = int(size_text) if len(size_text) <= 6 else None  # int() of a million digits is slow
    if image_size is None or not 48 <= image_size <= 1024:
        raise _MetadataProblem(f"image size {size_text[:20]} is outside 48..1024")
    head_values = _json_entry(metadata, "head")
    if not (isinstance(head_values, dict) and "hidden" in head_values and set(head_values) <= HEAD_FIELDS):
        raise _MetadataProblem(f"'head' must be an object of {', '.join(sorted(HEAD_FIELDS))} (hidden needed)")
    head = HeadSpec(**head_values)
    if not (type(head.hidden) is int and 1 <= head.hidden <= 65536  # a float or bool would reach nn.Linear
            and is_finite_number(head.dropout_before) and is_finite_number(head.dropout_after)
            and 0 <= head.dropout_before < 1 and 0 <= head.dropout_after < 1):
        raise _MetadataProblem("head sizes out of range")
    mean, std = _numbers(_json_entry(metadata, "mean"), "mean"), _numbers(_json_entry(metadata, "std"), "std")
    if not all(v > 0 for v in std):
        raise _MetadataProblem("mean and std must be three finite numbers (std above 0)")
    try:
        metrics = model_metrics(metadata.get("metrics", "{}"))
    except json.JSONDecodeError:
        raise _MetadataProblem("'metrics' is not JSON") from None
    except ValueError as error:
        raise _MetadataProblem(str(error)) from None
    recipe = metadata.get("recipe", "")
    if len(recipe) > MAX_NAME:
        raise _MetadataProblem(f"the recipe name is longer than {MAX_NAME} characters")
    backbone = metadata["backbone"]
    if backbone != SCRATCH:
        from .backbones import BACKBONES

        if backbone not in BACKBONES:
            raise _MetadataProblem(f"unknown backbone {backbone!r}")
    return ModelInfo(classes, image_size, backbone, head, tuple(mean), tuple(std), recipe, metrics)


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
