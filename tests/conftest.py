"""Shared fixtures: small made-up image datasets, written fresh for each test that asks.

More live beside it, one module per subject: the window's (``window``, ``gui_settings``, ``shoot``,
``trained_model``) in gui_fixtures.py, the translated window's (``window_in``) in i18n_fixtures.py, a model
file to damage (``model_file``) in model_fixtures.py. ``pytest_plugins`` below offers them to every test:
a test names a fixture as an argument and imports from those modules only plain helpers (``open_window``,
``load_data``, ``visible_texts``, ``rewrite``...). No test module imports a fixture.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["gui_fixtures", "i18n_fixtures", "model_fixtures"]

REAL_PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "catsdogs"


def make_image(path: Path, label: int, seed: int, size: int = 40) -> Path:
    """A small RGB image a network can learn: class 0 is mostly red, class 1 mostly blue, with noise."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 90, (size, size, 3), dtype=np.uint8)
    pixels[..., 0 if label == 0 else 2] += 150
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)
    return path


def lopsided_photo(path: Path, size: int = 48) -> Path:
    """A photo whose halves differ, red left and blue right, at ``size`` (the test models' size, so that
    it is not resized and its mirror image is exactly the mirrored pixels)."""
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 60, (size, size, 3), dtype=np.uint8)
    pixels[:, :size // 2, 0] += 190
    pixels[:, size // 2:, 2] += 190
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)
    return path


def write_model_file(path: Path, classes, seed: int) -> Path:
    """An untrained small CNN (48 px) saved as a model file; its head is scaled up so that its answers
    are far from even and differ clearly between photos (and between a photo and its mirror image)."""
    import torch

    from catdog_gui.core.modelfile import model_info, save_model
    from catdog_gui.core.models import SCRATCH, HeadSpec, build_classifier

    torch.manual_seed(seed)
    model = build_classifier(SCRATCH, len(classes), HeadSpec(16), 48).eval()
    with torch.no_grad():
        for parameter in model.head.parameters():
            parameter.mul_(8)
    return save_model(path, model, model_info(model, list(classes), 48, SCRATCH, HeadSpec(16), "scratch"))


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


@pytest.fixture(scope="session")
def qapp(qapp_args, qapp_cls):
    """pytest-qt's application, speaking English as the app does (with the English catalogue's plural
    forms: "1 photo", "3 photos"); tests of other languages switch and switch back."""
    from catdog_gui.gui import i18n

    app = qapp_cls.instance() or qapp_cls(qapp_args)
    i18n.use_language(i18n.SOURCE_LANGUAGE)
    return app


@pytest.fixture
def real_photos() -> Path:
    if not REAL_PHOTOS.is_dir():
        pytest.skip(f"real photos not found at {REAL_PHOTOS}")
    return REAL_PHOTOS
