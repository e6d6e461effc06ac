"""Training from the window: curves, idle controls afterwards, Stop and Pause, errors."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from conftest import write_lecture_dataset
from gui_fixtures import choose_small_scratch, load_data

EPOCHS = 3


def assert_idle(window):
    panel = window.training_panel
    assert not panel.busy
    assert panel.start_button.isEnabled()
    assert not panel.pause_button.isEnabled() and not panel.stop_button.isEnabled()
    assert window.data_panel.choose_button.isEnabled()
    assert window.strategy_panel.isEnabled()
    assert window.open_dataset_action.isEnabled()


def test_a_run_draws_one_point_per_epoch_and_ends_idle_with_results(window, qtbot, tmp_path, shoot):
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, EPOCHS)
    panel = window.training_panel
    with qtbot.waitSignal(panel.run_started, timeout=10_000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    # While it runs, what must not change is locked.
    assert panel.stop_button.isEnabled() and not panel.start_button.isEnabled()
    assert not window.data_panel.choose_button.isEnabled() and not window.strategy_panel.isEnabled()
    window.data_panel.open_folder(tmp_path)  # e.g. a folder dropped on the window meanwhile
    assert "cannot change while a run trains" in window.data_panel.banner.text()
    assert not window.data_panel.busy
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as blocker:
        pass
    finished = blocker.args[0]
    assert not finished.stopped and finished.epochs == EPOCHS and Path(finished.model_path).is_file()
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        x, y = panel.series[key].curve.getData()
        assert list(x) == [1, 2, 3], key  # one point per epoch, drawn
        assert len(y) == EPOCHS
    batch_x, _ = panel.series["batch_loss"].curve.getData()
    assert len(batch_x) == 2 * EPOCHS and batch_x[-1] == pytest.approx(EPOCHS)  # 16 photos, batches of 8
    assert_idle(window)
    assert "Finished after 3 epoch" in panel.banner.text()  # "epochs", or "epoch(s)" without an English catalogue
    assert "pixel cache" in panel.notes_label.text()  # how the run read its photos
    assert panel.run_bar.value() == panel.run_bar.maximum()
    shoot(panel, "training_panel")

    # Then the model is evaluated, loaded in the predictor, and listed among the runs.
    evaluation = window.evaluation_panel
    qtbot.waitUntil(lambda: evaluation.result is not None, timeout=30_000)
    assert sum(map(sum, evaluation.result.evaluation.confusion_matrix)) == 8  # 4 test photos per class
    assert evaluation.result.split == "test"
    qtbot.waitUntil(lambda: window.predictor_panel.predictor is not None, timeout=30_000)
    assert window.predictor_panel.predictor.model_path == finished.model_path
    window.show_step(5)
    assert window.runs_panel.table.rowCount() == 1
    assert window.runs_panel.table.item(0, 3).text() == "3"


def test_the_disk_budget_of_step_2_reaches_the_run_and_step_3_says_how_photos_are_read(window, qtbot, tmp_path):
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, 1)
    strategy = window.strategy_panel
    assert "kept on disk" in strategy.pixel_cache_note.text()
    strategy.pixel_cache.setValue(0)
    assert "decoded again every epoch" in strategy.pixel_cache_note.text()
    assert strategy.pixel_cache_gb == 0
    panel = window.training_panel
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as blocker:
        panel.start_button.click()
    assert blocker.args[0].reading == "streaming"
    assert "decoded every epoch" in panel.notes_label.text()


def test_stop_ends_the_run_within_two_seconds_and_keeps_the_best_model(window, qtbot, tmp_path):
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, 500)
    panel = window.training_panel
    panel.start_button.click()
    qtbot.waitUntil(lambda: panel.series["val_accuracy"].count >= 1, timeout=30_000)
    # Pause holds it: no new batches arrive.
    with qtbot.waitSignal(panel._worker.paused, timeout=2000):
        panel.pause_button.click()
    assert panel.pause_button.text() == "&Resume"
    assert window.pause_action.text() == "&Resume"  # the Training menu follows the button
    qtbot.wait(300)
    held = panel.series["batch_loss"].count
    qtbot.wait(400)
    assert panel.series["batch_loss"].count == held
    panel.pause_button.click()
    qtbot.waitUntil(lambda: panel.series["batch_loss"].count > held, timeout=5000)

    started = time.perf_counter()
    with qtbot.waitSignal(panel.run_finished, timeout=2000) as blocker:
        qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    assert time.perf_counter() - started < 2.0
    finished = blocker.args[0]
    assert finished.stopped and 1 <= finished.epochs < 500
    assert finished.model_path and Path(finished.model_path).is_file()
    assert finished.best_val_accuracy is not None
    assert "Stopped after" in panel.banner.text() and "best model is kept" in panel.banner.text()
    qtbot.waitUntil(lambda: not panel.busy, timeout=2000)
    assert_idle(window)


def test_a_failing_run_shows_the_error_and_leaves_the_window_usable(window, qtbot, tmp_path, shoot):
    data = write_lecture_dataset(tmp_path / "photos")
    load_data(qtbot, window, data)
    choose_small_scratch(window, 2)
    shutil.rmtree(data)  # the photos vanish after they were chosen (an unplugged drive)
    panel = window.training_panel
    with qtbot.waitSignal(panel.run_failed, timeout=20_000) as blocker:
        panel.start_button.click()
    message = blocker.args[0]
    assert str(data) in message
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    assert window.error_box is not None and window.error_box.isVisible()
    assert window.error_box.windowTitle() == "Training failed" and str(data) in window.error_box.text()
    assert "Training failed" in panel.banner.text()
    shoot(window, "training_error")
    window.error_box.close()
    assert_idle(window)

    # Still usable: new photos, and a run that works.
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "again"))
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as blocker:
        panel.start_button.click()
    assert not blocker.args[0].stopped and panel.series["val_accuracy"].count == 2
    assert not panel.banner.text().startswith("Training failed")


def test_an_unexpected_error_in_the_engine_is_reported_with_its_details(window, qtbot, tmp_path, monkeypatch):
    from catdog_gui.core import training

    def broken_epoch(self, phase, epoch, optimizer):
        raise RuntimeError("the engine broke")
        yield  # a generator, like the real one

    monkeypatch.setattr(training._Loop, "epoch", broken_epoch)
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, 2)
    with qtbot.waitSignal(window.training_panel.run_failed, timeout=20_000) as blocker:
        window.training_panel.start_button.click()
    message, details = blocker.args
    assert message == "unexpected error (RuntimeError: the engine broke)"
    assert "Traceback" in details and "broken_epoch" in details
    assert window.error_box.detailedText() == details
    qtbot.waitUntil(lambda: not window.training_panel.busy, timeout=5000)
    assert_idle(window)


def test_settings_that_make_no_sense_are_refused_before_starting(window, qtbot, tmp_path):
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, 2)
    window.strategy_panel.lr.setText("fast")
    window.training_panel.start_button.click()
    assert not window.training_panel.busy
    assert window.error_box.isVisible() and "learning rate 'fast'" in window.error_box.text()


def stop_after_epochs(qtbot, panel, epochs: int):
    """Pause once ``epochs`` epochs are drawn, then Stop: the run ends unfinished."""
    qtbot.waitUntil(lambda: panel.series["val_accuracy"].count >= epochs, timeout=30_000)
    with qtbot.waitSignal(panel._worker.paused, timeout=2000):
        panel.pause_button.click()
    with qtbot.waitSignal(panel.run_finished, timeout=5000) as blocker:
        panel.stop_button.click()
    return blocker.args[0]


def test_a_stopped_run_is_continued_from_the_runs_step(window, qtbot, tmp_path, shoot):
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, 40)
    panel = window.training_panel
    panel.start_button.click()
    stopped = stop_after_epochs(qtbot, panel, 2)
    assert stopped.stopped
    done_before = stopped.epochs
    qtbot.waitUntil(lambda: not panel.busy, timeout=2000)

    window.show_step(5)
    runs = window.runs_panel
    runs.select_runs([stopped.run_dir])
    assert runs.table.item(0, 3).text() == f"{done_before} (unfinished)"
    assert runs.resume_button.isEnabled()
    shoot(runs, "runs_panel_unfinished")
    with qtbot.waitSignal(panel.run_started, timeout=10_000):
        runs.resume_button.click()
    assert window.stack.currentIndex() == 2  # the training step shows the continued run
    # The epochs it already had are back on the curves before any new one arrives.
    assert panel.series["val_accuracy"].count >= done_before
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as blocker:
        pass
    finished = blocker.args[0]
    assert not finished.stopped and finished.run_dir == stopped.run_dir
    x, _ = panel.series["val_accuracy"].curve.getData()
    assert list(x) == list(range(1, 41))  # one point per epoch of the whole run, none twice
    window.show_step(5)
    runs.select_runs([finished.run_dir])
    assert runs.table.item(0, 3).text() == "40"
    assert not runs.resume_button.isEnabled()


def test_continuing_a_run_whose_photos_are_gone_says_so(window, qtbot, tmp_path):
    photos = write_lecture_dataset(tmp_path / "photos")
    load_data(qtbot, window, photos)
    choose_small_scratch(window, 40)
    panel = window.training_panel
    panel.start_button.click()
    stopped = stop_after_epochs(qtbot, panel, 1)
    qtbot.waitUntil(lambda: not panel.busy, timeout=2000)
    shutil.rmtree(photos)
    window.show_step(5)
    window.runs_panel.select_runs([stopped.run_dir])
    with qtbot.waitSignal(panel.run_failed, timeout=20_000) as blocker:
        window.runs_panel.resume_button.click()
    assert str(photos) in blocker.args[0]
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    assert_idle(window)
    assert Path(stopped.model_path).is_file()  # the best model so far is still there


def test_closing_during_a_run_asks_first_and_keeps_the_best_model(window, qtbot, tmp_path, monkeypatch):
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, 500)
    panel = window.training_panel
    panel.start_button.click()
    qtbot.waitUntil(lambda: panel.series["val_accuracy"].count >= 1, timeout=30_000)
    window.ask_before_quitting = True
    answers = []
    monkeypatch.setattr(window, "_confirm_quit", lambda: answers.append("asked") or len(answers) > 1)
    window.close()  # answered No
    assert answers == ["asked"] and window.isVisible() and panel.busy
    run_dir = Path(panel.run_dir)
    window.close()  # answered Yes: the run stops, its best model stays
    assert len(answers) == 2 and not window.isVisible()
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    assert (run_dir / "best.safetensors").is_file()


def test_curves_are_redrawn_less_often_while_the_window_thread_is_busy(qtbot, monkeypatch):
    from catdog_gui.gui import training_panel as module

    panel = module.TrainingPanel()
    qtbot.addWidget(panel)
    clock = {"cpu": 0.0, "wall": 0.0}
    monkeypatch.setattr(module.time, "thread_time", lambda: clock["cpu"])
    monkeypatch.setattr(module.time, "perf_counter", lambda: clock["wall"])

    def gap_after(cpu_seconds, wall_seconds):
        clock["cpu"] += cpu_seconds
        clock["wall"] += wall_seconds
        return panel._redraw_gap()

    panel._cpu_mark, panel._wall_mark = 0.0, 0.0
    assert gap_after(0.01, 1.0) == module.REDRAW_EVERY  # 1 %: the usual pace
    assert gap_after(0.06, 1.0) == 2 * module.REDRAW_EVERY  # 6 %: half as often
    assert gap_after(0.5, 1.0) == module.MAX_REDRAW_EVERY  # never slower than this
    assert gap_after(0.0, 1.0) == module.REDRAW_EVERY  # back to normal once the load is gone
