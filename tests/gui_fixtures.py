"""Fixtures for the window's tests: an isolated main window, screenshots, a trained model.

conftest.py loads this module as a plugin (``pytest_plugins``), so every test can ask for its fixtures
by name; test modules import from here only the plain helpers (``open_window``, ``load_data``,
``choose_small_scratch``, ``evaluate_model``, ``ENGINE_TIMEOUT_MS``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import write_lecture_dataset

# On a small machine shared with other work, OpenMP threads that spin while they wait make each
# tiny training step here wait for CPU time, and a few-epoch run takes seconds instead of a fraction
# of one. Results do not depend on it. Set before torch is loaded: conftest loads this module first.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ENGINE_TIMEOUT_MS = 60_000


@pytest.fixture
def gui_settings(tmp_path, monkeypatch):
    """The window's settings in a private ini file (never the user's)."""
    from PySide6.QtCore import QSettings

    path = tmp_path / "settings.ini"
    monkeypatch.setenv("CATDOG_GUI_SETTINGS", str(path))
    return QSettings(str(path), QSettings.Format.IniFormat)


@pytest.fixture
def shoot(tmp_path):
    """``shoot(widget, name)`` saves a screenshot to ``$CATDOG_GUI_SCREENSHOTS`` (else the test's tmp_path)."""
    folder = Path(os.environ.get("CATDOG_GUI_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)

    def save(widget, name: str) -> Path:
        path = folder / f"{name}.png"
        assert widget.grab().save(str(path)), f"could not save {path}"
        return path

    return save


def open_window(qtbot, settings):
    from catdog_gui.gui.main_window import MainWindow

    window = MainWindow(settings)
    window.ask_before_quitting = False  # closing at the end of a test never waits for an answer
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.engine is not None, timeout=ENGINE_TIMEOUT_MS)
    return window


@pytest.fixture
def window(qtbot, gui_settings):
    """The main window, shown, with its engine loaded."""
    return open_window(qtbot, gui_settings)


def load_data(qtbot, window, folder) -> object:
    with qtbot.waitSignal(window.data_panel.dataset_loaded, timeout=20_000) as blocker:
        window.data_panel.open_folder(folder)
    qtbot.waitUntil(lambda: not window.data_panel.thumbnails.loading, timeout=20_000)
    return blocker.args[0]


def evaluate_model(qtbot, window, model, data) -> object:
    """Step 3 shown, ``model`` evaluated on ``data``'s test photos: the evaluation, once it is shown."""
    window.show_step(3)
    with qtbot.waitSignal(window.evaluation_panel.evaluated, timeout=30_000) as blocker:
        window.evaluation_panel.evaluate(str(model), str(data))
    return blocker.args[0].evaluation


def choose_small_scratch(window, epochs: int) -> None:
    """The small CNN at 48 px: a run of a few epochs takes well under a second per epoch here."""
    window.strategy_panel.select("scratch")
    window.strategy_panel.set_values(epochs=epochs, image_size=48, batch_size=8)


@pytest.fixture
def trained_model(tmp_path):
    """A small CNN trained for two epochs on a fresh tiny dataset: (model path, dataset folder)."""
    from catdog_gui.core.recipes import resolve_settings
    from catdog_gui.core.training import Training

    data = write_lecture_dataset(tmp_path / "model-data")
    settings = resolve_settings(str(data), "scratch", epochs=2, image_size=48, batch_size=8, lr=1e-3)
    finished = list(Training(settings, runs_dir=tmp_path / "model-runs").run())[-1]
    return Path(finished.model_path), data
