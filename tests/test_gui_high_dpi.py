"""Sharp on high-DPI screens: thumbnails, previews and swatches are made in device pixels (logical size
times the screen's device pixel ratio) and say so (their devicePixelRatio)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage

from catdog_gui.core.prediction import Prediction
from catdog_gui.gui.widgets import ThumbnailGrid, thumbnail_image

ROOT = Path(__file__).resolve().parents[1]


def wide_photo(path: Path) -> Path:
    """A 300 x 200 photo: red, with a blue right half."""
    pixels = np.zeros((200, 300, 3), dtype=np.uint8)
    pixels[..., 0] = 220
    pixels[:, 150:] = (20, 40, 230)
    Image.fromarray(pixels).save(path)
    return path


def pretend_high_dpi(monkeypatch, widget, ratio: float = 2.0) -> None:
    """As if ``widget`` were on a screen with ``ratio`` device pixels per logical pixel."""
    monkeypatch.setattr(widget, "devicePixelRatioF", lambda: ratio)


def test_a_thumbnail_has_twice_the_pixels_at_ratio_2_and_says_so(tmp_path, qapp):
    photo = wide_photo(tmp_path / "wide.png")
    plain = thumbnail_image(str(photo), 64)
    sharp = thumbnail_image(str(photo), 64, 2.0)
    assert (plain.width(), plain.height(), plain.devicePixelRatio()) == (64, 64, 1.0)
    assert (sharp.width(), sharp.height(), sharp.devicePixelRatio()) == (128, 128, 2.0)
    assert sharp.deviceIndependentSize().toSize() == QSize(64, 64)  # the same size on the screen
    # The photo fills the width, centred: red on the left, blue on the right, transparent above.
    assert sharp.pixelColor(20, 64).red() > 200 and sharp.pixelColor(108, 64).blue() > 200
    assert sharp.pixelColor(64, 5).alpha() == 0


def test_thumbnail_grids_load_at_their_screen_s_pixel_ratio(tmp_path, qtbot, monkeypatch):
    photos = [str(wide_photo(tmp_path / f"{i}.png")) for i in range(3)]
    grid = ThumbnailGrid(96)
    qtbot.addWidget(grid)
    pretend_high_dpi(monkeypatch, grid)
    with qtbot.waitSignal(grid.loaded, timeout=10_000):
        grid.show_images(photos)
        assert grid.item(0).icon().availableSizes() == [QSize(192, 192)]  # the placeholder, too
    for row in range(grid.count()):
        pixmap = grid.item(row).icon().pixmap(QSize(96, 96), 2.0)
        assert (pixmap.width(), pixmap.devicePixelRatio()) == (192, 2.0)
        assert pixmap.toImage().pixelColor(20, 96).red() > 200  # the photo, not the grey placeholder


def test_the_photo_grids_of_steps_1_and_4_are_thumbnail_grids(qtbot):
    """The data step's samples and the evaluation's cell viewer and mistakes: the grid tested above."""
    from catdog_gui.gui.data_panel import DataPanel
    from catdog_gui.gui.evaluation_panel import EvaluationPanel

    data, evaluation = DataPanel(), EvaluationPanel()
    qtbot.addWidget(data)
    qtbot.addWidget(evaluation)
    for grid in (data.thumbnails, evaluation.cell_gallery, evaluation.mistakes_gallery):
        assert isinstance(grid, ThumbnailGrid)


def test_a_real_2x_screen_gets_2x_thumbnails(tmp_path):
    """Without pretending: Qt scaled by 2, as on a high-DPI screen."""
    photo = wide_photo(tmp_path / "wide.png")
    script = (
        "import sys\n"
        "from PySide6.QtCore import QSize\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from catdog_gui.gui.widgets import ThumbnailGrid\n"
        "app = QApplication([])\n"
        "grid = ThumbnailGrid(64)\n"
        "grid.show()\n"
        "done = []\n"
        "grid.loaded.connect(lambda: done.append(True))\n"
        "grid.show_images([sys.argv[1]])\n"
        "while not done:\n"
        "    app.processEvents()\n"
        "pixmap = grid.item(0).icon().pixmap(QSize(64, 64), grid.devicePixelRatioF())\n"
        "print(grid.devicePixelRatioF(), pixmap.width(), pixmap.devicePixelRatio())\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="2")
    done = subprocess.run([sys.executable, "-c", script, str(photo)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2.0", "128", "2.0"]


class StubPredictor:
    """Says "cats" to every photo, without a model."""

    classes = ["cats", "dogs"]
    tta = False

    def predict_paths(self, paths):
        return [Prediction(path, "cats", 0.9, {"cats": 0.9, "dogs": 0.1}) for path in paths], []


def test_classified_photos_get_thumbnails_at_the_table_s_pixel_ratio(tmp_path, qtbot, monkeypatch):
    from catdog_gui.gui.predictor_panel import THUMB, PredictorPanel

    panel = PredictorPanel()
    qtbot.addWidget(panel)
    panel.predictor = StubPredictor()
    pretend_high_dpi(monkeypatch, panel.table)
    with qtbot.waitSignal(panel.predictions_finished, timeout=20_000):
        panel.add_paths([wide_photo(tmp_path / "a.png"), wide_photo(tmp_path / "b.png")])
    assert panel.table.rowCount() == 2
    for row in range(2):
        icon = panel.table.item(row, 0).icon()
        assert icon.availableSizes() == [QSize(2 * THUMB, 2 * THUMB)]
        assert icon.pixmap(QSize(THUMB, THUMB), 2.0).devicePixelRatio() == 2.0


def test_augmentation_previews_and_run_swatches_are_made_in_device_pixels(qapp):
    from catdog_gui.gui.runs_panel import _swatch
    from catdog_gui.gui.strategy_panel import PREVIEW_SIZE, preview_pixmap

    image = QImage(224, 224, QImage.Format.Format_RGB888)
    image.fill(QColor("#336699"))
    for ratio in (1.0, 2.0):
        pixmap = preview_pixmap(image, ratio)
        assert (pixmap.width(), pixmap.devicePixelRatio()) == (round(PREVIEW_SIZE * ratio), ratio)
    swatch = _swatch(QColor("#1f77b4"), QColor("#ffffff"), 2.0).pixmap(QSize(12, 12), 2.0)
    assert (swatch.width(), swatch.devicePixelRatio()) == (24, 2.0)
    inside = swatch.toImage().pixelColor(12, 12)
    assert inside.name() == "#1f77b4" and swatch.toImage().pixelColor(0, 0).name() == "#ffffff"
