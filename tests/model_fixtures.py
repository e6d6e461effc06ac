"""Fixtures for the model file's tests: a valid model file to damage, and ``rewrite`` to damage it.

conftest.py loads this module as a plugin (``pytest_plugins``), so every test can ask for ``model_file``
(a fresh copy for each test) by name; test modules import the plain helper ``rewrite`` from here.
Torch and safetensors are imported when used: loading the plugin must not load torch.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_model_file

CLASSES = ["cats", "dogs"]


@pytest.fixture(scope="module")
def base_file(tmp_path_factory) -> Path:
    """A valid model file (the untrained small CNN of :func:`conftest.write_model_file`, seed 0), made
    once per test module."""
    return write_model_file(tmp_path_factory.mktemp("base") / "model.safetensors", CLASSES, seed=0)


@pytest.fixture
def model_file(base_file, tmp_path) -> Path:
    """A fresh copy of a valid model file, for this test to damage."""
    path = tmp_path / "model.safetensors"
    path.write_bytes(base_file.read_bytes())
    return path


def rewrite(src: Path, dst: Path, metadata: dict | None = None, edit_tensors=None) -> Path:
    """Copy a model file with changed metadata (``None`` deletes a key) and/or tensors.

    The checksum is recomputed (unless the edit names it), so only the check under test can refuse the file.
    """
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    from catdog_gui.core import modelfile

    with safe_open(str(src), framework="pt") as handle:
        meta = dict(handle.metadata())
    tensors = load_file(str(src))
    if edit_tensors is not None:
        tensors = edit_tensors(dict(tensors))
    for key, value in (metadata or {}).items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    if "sha256" not in (metadata or {}):
        meta["sha256"] = modelfile._digest(tensors, meta)
    save_file(tensors, str(dst), metadata=meta)
    return dst
