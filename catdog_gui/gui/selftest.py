"""``catdog-gui --self-test``: the installed app, end to end, without a screen.

Opens the window offscreen, writes a tiny dataset of made-up photos to a temporary folder, trains a
small model on it through the real worker, drops a photo on the predictor and checks the answer.
Nothing of the user's (settings, runs, caches) is read or written. Exit status 0 only if it all worked.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from ..core.names import SCRATCH_RECIPE

SELF_TEST_EPOCHS = 2
SELF_TEST_CLASSES = ("cats", "dogs")


def write_images(root: Path, per_split=(8, 4, 4), size: int = 48) -> Path:
    """A lecture-layout folder of small made-up photos: the first class reddish, the second bluish."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for split, count in zip(("train", "validation", "test"), per_split):
        for label, name in enumerate(SELF_TEST_CLASSES):
            folder = root / split / name
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                pixels = rng.integers(0, 90, (size, size, 3), dtype=np.uint8)
                pixels[..., 0 if label == 0 else 2] += 150
                Image.fromarray(pixels).save(folder / f"{name}.{i}.png")
    return root


def drop_files(widget, paths) -> bool:
    """Drag ``paths`` onto ``widget`` and drop them there, as a file manager would; True if accepted."""
    from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()
    enter = QDragEnterEvent(QPoint(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, QEvent.Type.Drop)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def wait_until(condition, timeout: float, step_ms: int = 20) -> bool:
    """Run the event loop until ``condition()`` is true or ``timeout`` seconds have passed."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        loop = QEventLoop()
        QTimer.singleShot(step_ms, loop.quit)
        loop.exec()
    return True


class SelfTestFailed(Exception):
    pass


def self_test(timeout: float = 300.0, screenshots: str | None = None) -> int:
    """Run the self-test; 0 if every step worked, 1 otherwise (the failing step on standard error)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    screenshots = screenshots or os.environ.get("CATDOG_GUI_SCREENSHOTS")
    saved_env = {k: os.environ.get(k) for k in ("CATDOG_GUI_RUNS", "CATDOG_GUI_CACHE", "CATDOG_GUI_SETTINGS")}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="catdog-gui-self-test-") as temp:
        temp = Path(temp)
        os.environ["CATDOG_GUI_RUNS"] = str(temp / "runs")
        os.environ["CATDOG_GUI_CACHE"] = str(temp / "cache")
        os.environ["CATDOG_GUI_SETTINGS"] = str(temp / "settings.ini")
        window = None
        try:
            window = _run(temp, timeout, screenshots)
            print(f"catdog-gui self-test: passed in {time.monotonic() - started:.1f} s", file=sys.stderr)
            return 0
        except SelfTestFailed as failure:
            print(f"catdog-gui self-test: FAILED: {failure}", file=sys.stderr)
            return 1
        except Exception as error:  # anything else is a failure of the app, reported as such
            print(f"catdog-gui self-test: FAILED: {type(error).__name__}: {error}", file=sys.stderr)
            return 1
        finally:
            if window is not None:
                window.close()
            for key, value in saved_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _say(text: str) -> None:
    print(f"catdog-gui self-test: {text}", file=sys.stderr, flush=True)


def _quiet_offscreen_warnings() -> None:
    """Pass Qt's messages on to standard error, except the offscreen platform's note that it cannot
    resize windows to their contents (true, and of no interest here)."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(kind, context, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def _run(temp: Path, timeout: float, screenshots: str | None):
    from PySide6.QtCore import QSettings

    from .app import make_application
    from .main_window import MainWindow

    deadline = time.monotonic() + timeout

    def left() -> float:
        return max(1.0, deadline - time.monotonic())

    def check(condition, what: str, seconds: float | None = None) -> None:
        if not wait_until(lambda: condition() or _error_text(window), min(left(), seconds or left())):
            raise SelfTestFailed(f"timed out: {what}")
        error = _error_text(window)
        if error:
            raise SelfTestFailed(f"{what}: {error}")

    _quiet_offscreen_warnings()
    if make_application().windowIcon().isNull():
        raise SelfTestFailed("the app's icon is missing")
    window = MainWindow(QSettings(str(temp / "settings.ini"), QSettings.Format.IniFormat))
    window.ask_before_quitting = False  # unattended: closing never waits for an answer
    window.show()
    _say("window open")
    _say(f"language {_language()}")
    check(lambda: window.engine is not None, "loading the training engine")
    _say(f"device {window.engine.device}")
    if window.engine.device_note:  # told, not failed: the self-test runs on the CPU then
        _say(f"note: {window.engine.device_note}")

    data = write_images(temp / "photos")
    window.data_panel.open_folder(data)
    check(lambda: window.data_panel.dataset is not None and not window.data_panel.busy, "reading the photos")
    if window.data_panel.count_of("train", "cats") != 8:
        raise SelfTestFailed("the photo counts are wrong")

    window.strategy_panel.select(SCRATCH_RECIPE)
    window.strategy_panel.set_values(epochs=SELF_TEST_EPOCHS, image_size=48, batch_size=8)
    window.training_panel.start_button.click()
    check(lambda: window.training_panel.busy, "starting the training", 10)
    check(lambda: not window.training_panel.busy, "training")
    finished = window.training_panel.last_finished
    if finished is None or finished.stopped or not finished.model_path:
        raise SelfTestFailed("the training did not finish with a model")
    points = window.training_panel.series["val_accuracy"].count
    if points != SELF_TEST_EPOCHS:
        raise SelfTestFailed(f"the curves show {points} epochs, not {SELF_TEST_EPOCHS}")
    _say(f"trained {finished.epochs} epochs, validation accuracy {finished.best_val_accuracy:.2f}")

    predictor = window.predictor_panel
    check(lambda: predictor.predictor is not None and not predictor.busy, "loading the trained model")
    photo = next((data / "test" / "dogs").iterdir())
    if not drop_files(predictor, [photo]):
        raise SelfTestFailed("the predictor did not accept a dropped photo")
    check(lambda: len(predictor.results) == 1 and not predictor.busy, "classifying the dropped photo")
    result = predictor.results[0]
    if result.label not in SELF_TEST_CLASSES or not 0.5 <= result.probability <= 1.0:
        raise SelfTestFailed(f"unexpected prediction {result.label} ({result.probability})")
    _say(f"dropped photo classified as {result.label} ({result.probability:.2f})")
    if screenshots:
        window.show_step(4)
        Path(screenshots).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(screenshots) / "self_test_window.png"))
    return window


def _language() -> str:
    """The language the window speaks, and the catalogues loaded for it; a bundle or install without
    the app's catalogues fails (it would show English to everyone)."""
    from . import i18n

    if i18n.available_languages() == [i18n.SOURCE_LANGUAGE]:
        raise SelfTestFailed(f"no translations found in {i18n.translations_dir()}")
    return f"{i18n.language_in_use()} ({', '.join(i18n.installed_catalogues()) or 'the source texts'})"


def _error_text(window) -> str:
    box = getattr(window, "error_box", None) if window is not None else None
    if box is not None and box.isVisible():
        return f"{box.windowTitle()}: {box.text()}"
    return ""
