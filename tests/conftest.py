"""Shared fixtures: small made-up image datasets, written fresh for each test that asks."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REAL_PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "catsdogs"


def make_image(path: Path, label: int, seed: int, size: int = 40) -> Path:
    """A small RGB image a network can learn: class 0 is mostly red, class 1 mostly blue, with noise."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 90, (size, size, 3), dtype=np.uint8)
    pixels[..., 0 if label == 0 else 2] += 150
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)
    return path


def write_lecture_dataset(root: Path, per_split=(8, 4, 4), classes=("cats", "dogs"), suffix=".png") -> Path:
    """``root/train|validation|test/<class>/<n>.png`` with ``per_split`` images per class."""
    seed = 0
    for split, count in zip(("train", "validation", "test"), per_split):
        for label, name in enumerate(classes):
            for i in range(count):
                seed += 1
                make_image(root / split / name / f"{name}.{i}{suffix}", label, seed)
    return root


@pytest.fixture
def tiny_dataset(tmp_path) -> Path:
    """A lecture-layout dataset of two classes: 8 train, 4 validation and 4 test images per class."""
    return write_lecture_dataset(tmp_path / "data")


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    """Each test gets its own feature cache and runs folder; nothing touches the user's."""
    monkeypatch.setenv("CATDOG_GUI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CATDOG_GUI_RUNS", str(tmp_path / "runs"))


@pytest.fixture
def real_photos() -> Path:
    if not REAL_PHOTOS.is_dir():
        pytest.skip(f"real photos not found at {REAL_PHOTOS}")
    return REAL_PHOTOS
