"""When a run ends the window asks for attention, and out of sight a system notification says the result."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from conftest import write_lecture_dataset
from gui_fixtures import choose_small_scratch, load_data
from catdog_gui.gui.i18n import format_percent
from catdog_gui.gui.notifier import failed_text, finished_text


def finished(**changes):
    from catdog_gui.core.training import Finished

    values = dict(run_dir="/runs/r1", model_path="/runs/r1/best.safetensors", best_val_accuracy=0.94,
                  test_accuracy=None, epochs=10, stopped=False, early_stopped=False, device="CPU",
                  seconds_per_epoch=1.0)
    values.update(changes)
    return Finished(**values)


@pytest.fixture
def desktop(monkeypatch):
    """A desktop with a system tray, whose attention requests and notifications are recorded."""
    seen = {"alerts": [], "messages": []}
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "showMessage", lambda tray, *args: seen["messages"].append(args))
    monkeypatch.setattr(QApplication, "alert", staticmethod(lambda widget, ms=0: seen["alerts"].append(widget)))
    return seen


def look_away(window, monkeypatch, active: bool = False, minimised: bool = False) -> None:
    monkeypatch.setattr(window, "isActiveWindow", lambda: active)
    state = Qt.WindowState.WindowMinimized if minimised else Qt.WindowState.WindowNoState
    monkeypatch.setattr(window, "windowState", lambda: state)


# ---- the words


def test_the_result_in_a_sentence():
    assert finished_text(finished(), 7) == "Training finished: validation accuracy 94.0 % (best epoch 7 of 10)"
    assert finished_text(finished(stopped=True, epochs=3), 2) == (
        "Training stopped: validation accuracy 94.0 % (best epoch 2 of 3)")
    assert finished_text(finished(early_stopped=True), None) == (
        "Training stopped early (no progress): validation accuracy 94.0 % after 10 epochs")
    assert finished_text(finished(model_path=None, stopped=True)).startswith("Training stopped before the first")


def test_the_result_in_spanish(qapp):
    from catdog_gui.gui import i18n

    before = i18n.language_in_use()
    i18n.use_language("es")
    try:
        assert finished_text(finished(), 7) == (
            "Entrenamiento terminado: exactitud de validación 94,0\u00a0% (mejor época: 7 de 10)")
        assert finished_text(finished(early_stopped=True), None).endswith("tras 10 épocas")
        assert finished_text(finished(early_stopped=True, epochs=1), None).endswith("tras 1 época")
        assert failed_text("") == "El entrenamiento ha fallado"
    finally:
        if before is None:
            i18n.forget_language()
        else:
            i18n.use_language(before)


def test_a_failure_in_a_short_line():
    assert failed_text("the folder /x is gone\n\nTraceback …") == "Training failed: the folder /x is gone"
    long = failed_text("x" * 500)
    assert len(long) < 200 and long.endswith("…")
    assert failed_text("") == "Training failed"


# ---- on the window


def test_a_finished_run_flashes_the_taskbar_and_says_the_result_out_of_sight(window, qtbot, tmp_path, monkeypatch,
                                                                             desktop):
    look_away(window, monkeypatch)
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, 2)
    panel = window.training_panel
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as blocker:
        panel.start_button.click()
    result = blocker.args[0]
    assert desktop["alerts"] == [window]
    [(title, text, icon, _)] = desktop["messages"]
    assert text == (f"Training finished: validation accuracy {format_percent(result.best_val_accuracy, 1)} "
                    f"(best epoch {panel.best_epoch} of 2)")
    assert 1 <= panel.best_epoch <= 2 and icon == QSystemTrayIcon.MessageIcon.Information
    tray = window.notifier.tray
    assert tray is not None and tray.isVisible() and not tray.icon().isNull()
    tray.messageClicked.emit()  # the user clicks the notification: it goes, the window comes
    assert not tray.isVisible()


def test_a_failed_run_says_why_out_of_sight(window, qtbot, tmp_path, monkeypatch, desktop):
    look_away(window, monkeypatch)
    data = write_lecture_dataset(tmp_path / "photos")
    load_data(qtbot, window, data)
    choose_small_scratch(window, 2)
    shutil.rmtree(data)  # the photos vanish after they were chosen
    with qtbot.waitSignal(window.training_panel.run_failed, timeout=20_000) as blocker:
        window.training_panel.start_button.click()
    [(_, text, icon, _)] = desktop["messages"]
    assert text == failed_text(blocker.args[0]) and str(data) in text
    assert icon == QSystemTrayIcon.MessageIcon.Warning and desktop["alerts"] == [window]


def test_in_sight_only_the_taskbar_is_asked(window, monkeypatch, desktop):
    look_away(window, monkeypatch, active=True)
    window.notifier.run_finished(finished(), 7)
    assert desktop["alerts"] == [window] and desktop["messages"] == []
    assert window.notifier.tray is None  # made only when needed


def test_minimised_counts_as_out_of_sight(window, monkeypatch, desktop):
    look_away(window, monkeypatch, active=True, minimised=True)
    window.notifier.run_finished(finished(stopped=True), 4)
    assert [text for _, text, _, _ in desktop["messages"]] == [
        "Training stopped: validation accuracy 94.0 % (best epoch 4 of 10)"]


def test_without_a_system_tray_there_is_no_notification(window, monkeypatch, desktop):
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    look_away(window, monkeypatch)
    window.notifier.run_failed("out of memory")
    assert desktop["alerts"] == [window] and desktop["messages"] == [] and window.notifier.tray is None
