"""Training more from the window: the Runs step's "Train more…" button, "Starting from" in the strategy
step, and each run's parent in the Runs step."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from conftest import write_lecture_dataset
from gui_fixtures import load_data

PARENT, CHILD = "20261130-101500-scratch", "20261130-111500-scratch"


def write_run(runs: Path, name: str, **settings) -> Path:
    folder = runs / name
    folder.mkdir(parents=True)
    (folder / "settings.json").write_text(json.dumps({"strategy": "scratch", "backbone": "scratch-cnn",
                                                      "data": "/photos", "image_size": 48, **settings}))
    return folder


def row_of(panel, folder: Path) -> int:
    return next(row for row in range(panel.table.rowCount())
                if panel.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == str(folder))


def test_the_runs_step_names_the_run_each_run_started_from(qtbot, tmp_path):
    from catdog_gui.gui.runs_panel import RunsPanel

    panel = RunsPanel()
    qtbot.addWidget(panel)
    runs = tmp_path / "runs"
    parent = write_run(runs, PARENT)
    model = parent / "best.safetensors"
    child = write_run(runs, CHILD, start_from=str(model), start_from_run=PARENT)
    loose = write_run(runs, "20261130-121500-scratch", start_from=str(tmp_path / "mine.safetensors"))
    panel.refresh()
    column = panel.STARTED_FROM
    assert panel.table.horizontalHeaderItem(column).text() == "Started from"
    assert panel.table.item(row_of(panel, child), column).text() == PARENT
    assert str(model) in panel.table.item(row_of(panel, child), column).toolTip()
    assert panel.table.item(row_of(panel, loose), column).text() == "mine.safetensors"  # not in a run folder
    assert panel.table.item(row_of(panel, parent), column).text() == ""  # trained from scratch


def test_train_more_starts_a_run_from_the_selected_runs_model(window, qtbot, tmp_path, shoot):
    from catdog_gui.core.recipes import resolve_settings
    from catdog_gui.core.training import Training
    from catdog_gui.gui.main_window import DATA, RUNS

    data = write_lecture_dataset(tmp_path / "photos")
    parent = Training(resolve_settings(str(data), "scratch", epochs=1, image_size=48, batch_size=8))
    finished = list(parent.run())[-1]
    window.strategy_panel.select("feature-extraction")  # another choice than the parent's, to be replaced
    window.show_step(RUNS)
    runs = window.runs_panel
    qtbot.waitUntil(lambda: runs.table.rowCount() == 1, timeout=10_000)
    assert not runs.train_more_button.isEnabled()  # nothing selected
    runs.select_runs([parent.run_dir])
    assert runs.train_more_button.isEnabled()
    qtbot.mouseClick(runs.train_more_button, Qt.MouseButton.LeftButton)

    # The parent's model is where the next run starts, with its strategy; the photos come next.
    strategy = window.strategy_panel
    assert window.stack.currentIndex() == DATA
    assert "Training a model more" in window.hint_label.text()
    assert strategy.start_from == finished.model_path
    assert strategy.strategy == "scratch" and strategy.image_size.value() == 48
    assert not strategy.image_size.isEnabled()
    assert not strategy.recipe_buttons["feature-extraction"].isEnabled()  # its weights cannot start that
    assert strategy.start_from_row.isVisibleTo(strategy)
    assert f"Starting from: {parent.run_dir.name}" in strategy.start_from_label.text()
    shoot(strategy, "strategy_panel_starting_from")

    # Photos without the model's classes are refused at Start, before a run begins.
    panel = window.training_panel
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "fruit", classes=("apples", "pears")))
    strategy.set_values(epochs=1, batch_size=8)
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert not panel.busy and "which the photos lack" in window.error_box.text()

    load_data(qtbot, window, data)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    recorded = [json.loads(p.read_text()) for p in (tmp_path / "runs").glob("*/settings.json")]
    children = [s for s in recorded if s.get("start_from")]
    assert len(children) == 1 and children[0]["start_from"] == finished.model_path
    assert children[0]["start_from_run"] == parent.run_dir.name
    window.show_step(RUNS)
    qtbot.waitUntil(lambda: runs.table.rowCount() == 2, timeout=10_000)
    names = {runs.table.item(row, runs.STARTED_FROM).text() for row in range(2)}
    assert names == {"", parent.run_dir.name}
    shoot(runs, "runs_panel_started_from")

    # Cleared, the next run starts from nothing again.
    qtbot.mouseClick(strategy.start_from_clear, Qt.MouseButton.LeftButton)
    assert strategy.start_from is None and not strategy.start_from_row.isVisibleTo(strategy)
    assert strategy.image_size.isEnabled() and strategy.recipe_buttons["feature-extraction"].isEnabled()
    assert strategy.build_settings(str(data)).start_from is None


def test_a_model_that_cannot_be_read_is_said_and_changes_nothing(window, qtbot, tmp_path):
    from catdog_gui.gui.runs_panel import read_run

    folder = write_run(tmp_path / "runs", PARENT)
    (folder / "best.safetensors").write_bytes(b"damaged")
    window._on_train_more_requested(read_run(folder))
    assert window.strategy_panel.start_from is None
    assert window.error_box is not None and "best.safetensors" in window.error_box.text()
