"""Exporting a model to ONNX, torch.export (``.pt2``) or TorchScript, with its preprocessing written into the file.

The exported network takes RGB float input in [0, 1], NCHW, at the model's image size (normalisation
is inside), any number of images at once, and returns class probabilities ``(N, classes)``; the
metadata names the classes.

ONNX goes through PyTorch's current exporter (``torch.onnx.export(..., dynamo=True)``, which needs
``onnxscript`` and is built on ``torch.export``), and ``.pt2`` files are ``torch.export`` programs.
TorchScript stays for those who load models with ``torch.jit.load``, though PyTorch has deprecated it
in favour of ``torch.export``.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Callable

import torch
from torch import nn

from .errors import UserError
from .modelfile import ModelInfo, load_model, write_atomically
from .models import probabilities

FORMATS = ("onnx", "pt2", "torchscript")
SUFFIXES = {"onnx": ".onnx", "pt2": ".pt2", "torchscript": ".pt"}
METADATA_FILE = "metadata.json"  # the name of the metadata in .pt2 and TorchScript files (their "extra files")
# The opset of the exporter's own operator library, so no version conversion is needed; onnxruntime has
# run it since 1.14.
ONNX_OPSET = 18
EXAMPLE_BATCH = 2  # the example's batch size; a batch of 1 could be taken for a fixed size while tracing


class ProbabilityModel(nn.Module):
    """The classifier followed by sigmoid or softmax, so every runtime gives the same probabilities."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model
        self.binary = model.binary  # a plain bool: tracing never branches on a tensor's shape

    def forward(self, x):
        return probabilities(self.model(x), binary=self.binary)


def export_metadata(info: ModelInfo) -> dict[str, str]:
    """The preprocessing and class names written into every export, as strings (ONNX metadata_props).

    Parameters
    ----------
    info : ModelInfo
        The saved model's description.

    Returns
    -------
    dict of str to str
        ``classes``, ``image_size``, ``input``, ``output``, ``normalisation_mean``, ``normalisation_std``,
        ``backbone`` and ``recipe``; lists are JSON.
    """
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
    """Write the model in ``model_path`` to ``out`` in format ``fmt``, replacing ``out`` whole or not at all.

    Parameters
    ----------
    model_path : str or os.PathLike
        A model file (``.safetensors``) written by this app.
    fmt : str
        One of `FORMATS`: ``onnx``, ``pt2`` (torch.export) or ``torchscript``.
    out : str or os.PathLike
        Where to write; missing folders are made.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    UserError
        An unknown format, a file that is not a model (`ModelFileError`), or an ``out`` that cannot be
        written; the message names the file.
    """
    if fmt not in FORMATS:
        raise UserError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")
    writer = WRITERS[fmt]
    if fmt == "onnx":
        _check_onnx_exporter()  # first: loading the model is wasted without it
    model, info = load_model(model_path)
    wrapped = ProbabilityModel(model.float()).eval()
    example = torch.rand(EXAMPLE_BATCH, 3, info.image_size, info.image_size)
    metadata = export_metadata(info)
    out = Path(out)
    write_atomically(out, lambda temp: writer(wrapped, example, temp, metadata))
    return out


def exported_program(model: nn.Module, example: torch.Tensor) -> torch.export.ExportedProgram:
    """``model`` as a ``torch.export`` graph whose batch size is free (its other sizes are the example's).

    Parameters
    ----------
    model : nn.Module
        In eval mode.
    example : torch.Tensor
        An input of the size the model takes, with a batch of `EXAMPLE_BATCH`.

    Returns
    -------
    torch.export.ExportedProgram
    """
    return torch.export.export(model, (example,), dynamic_shapes=free_batch())


def free_batch() -> tuple[dict[int, torch.export.Dim]]:
    """``dynamic_shapes`` for a model of one input whose first dimension, named ``batch``, is free."""
    return ({0: torch.export.Dim("batch", min=1)},)


def _write_onnx(model: nn.Module, example: torch.Tensor, path: str, metadata: dict[str, str]) -> None:
    # The module rather than its exported_program(): given the dimension here, ONNX names it "batch"
    program = torch.onnx.export(
        model, (example,), input_names=["image"], output_names=["probabilities"],
        dynamic_shapes=free_batch(), opset_version=ONNX_OPSET, dynamo=True,
        verbose=False, report=False,  # no "[torch.onnx] Obtain model graph..." lines, no report file
    )
    program.model.metadata_props.update(metadata)
    program.save(path, external_data=False)  # one file; every model here is far below ONNX's 2 GB limit


def _write_pt2(model: nn.Module, example: torch.Tensor, path: str, metadata: dict[str, str]) -> None:
    program = exported_program(model, example)
    # Through an open file: given a path, torch.export logs a warning unless it ends in .pt2, and the
    # temporary file it is written to first does not.
    with open(path, "wb") as handle:
        torch.export.save(program, handle, extra_files={METADATA_FILE: json.dumps(metadata)})


def _write_torchscript(model: nn.Module, example: torch.Tensor, path: str, metadata: dict[str, str]) -> None:
    # PyTorch deprecates torch.jit with a FutureWarning on every call; the format is kept for those who
    # load it, so that notice, which the user of this app can do nothing about, is silenced here only.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.\w+` is deprecated", category=FutureWarning)
        with torch.no_grad():
            traced = torch.jit.trace(model, example)
        torch.jit.save(traced, path, _extra_files={METADATA_FILE: json.dumps(metadata)})


def _check_onnx_exporter() -> None:
    try:
        import onnxscript  # noqa: F401 (torch.onnx's exporter builds the graph with it)
    except ImportError:
        raise UserError("exporting to ONNX needs the 'onnxscript' package: pip install onnxscript") from None


WRITERS: dict[str, Callable[[nn.Module, torch.Tensor, str, dict[str, str]], None]] = {
    "onnx": _write_onnx, "pt2": _write_pt2, "torchscript": _write_torchscript,
}
