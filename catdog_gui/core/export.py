"""Exporting a model to ONNX or TorchScript, with its preprocessing written into the file.

The exported network takes RGB float input in [0, 1], NCHW, at the model's image size (normalisation
is inside), and returns class probabilities ``(N, classes)``; the metadata names the classes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from torch import nn

from .errors import UserError
from .modelfile import ModelInfo, load_model, write_atomically
from .models import probabilities

FORMATS = ("onnx", "torchscript")


class ProbabilityModel(nn.Module):
    """The classifier followed by sigmoid or softmax, so every runtime gives the same probabilities."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x):
        return probabilities(self.model(x))


def export_metadata(info: ModelInfo) -> dict[str, str]:
    return {
        "classes": json.dumps(info.classes),
        "image_size": str(info.image_size),
        "input": f"RGB float32 in [0, 1], NCHW, 1x3x{info.image_size}x{info.image_size} or more images; "
                 "resize the whole photo (no crop); normalisation is inside the model",
        "output": "class probabilities, one column per class in the order of 'classes'",
        "normalisation_mean": json.dumps(list(info.mean)),
        "normalisation_std": json.dumps(list(info.std)),
        "backbone": info.backbone,
        "recipe": info.recipe,
    }


def export_model(model_path: str | os.PathLike, fmt: str, out: str | os.PathLike) -> Path:
    """Write ``model_path`` as ``fmt`` (``onnx`` or ``torchscript``) to ``out``; returns ``out``."""
    if fmt not in FORMATS:
        raise UserError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")
    model, info = load_model(model_path)
    wrapped = ProbabilityModel(model.float().eval())
    example = torch.rand(2, 3, info.image_size, info.image_size)
    out = Path(out)
    metadata = export_metadata(info)
    if fmt == "onnx":
        write_atomically(out, lambda temp: _write_onnx(wrapped, example, temp, metadata))
    else:
        write_atomically(out, lambda temp: _write_torchscript(wrapped, example, temp, metadata))
    return out


def _write_onnx(model: nn.Module, example: torch.Tensor, path: str, metadata: dict[str, str]) -> None:
    import onnx

    with torch.no_grad():
        torch.onnx.export(
            model, (example,), path, input_names=["image"], output_names=["probabilities"],
            dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=17, dynamo=False,
        )
    proto = onnx.load(path)
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(proto, path)


def _write_torchscript(model: nn.Module, example: torch.Tensor, path: str, metadata: dict[str, str]) -> None:
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
    torch.jit.save(traced, path, _extra_files={"metadata.json": json.dumps(metadata)})
