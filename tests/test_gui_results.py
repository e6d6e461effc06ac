"""Evaluation, the predictor and the runs: confusion-matrix cells, dropped photos, compared runs, export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from conftest import make_image, write_lecture_dataset
from gui_fixtures import evaluate_model
from catdog_gui.gui.selftest import drop_files


def open_model(qtbot, window, model_path):
    with qtbot.waitSignal(window.predictor_panel.model_loaded, timeout=30_000):
        window.predictor_panel.open_model(model_path)


def test_dropping_photos_gives_one_row_per_photo(window, qtbot, tmp_path, trained_model, shoot):
    model, data = trained_model
    panel = window.predictor_panel
    window.show_step(4)
    open_model(qtbot, window, model)
    assert "cats, dogs" in panel.model_label.text()
    photos = [make_image(tmp_path / "new" / f"photo{i}.png", i % 2, 900 + i) for i in range(3)]
    (tmp_path / "new" / "readme.txt").write_text("not a photo")
    with qtbot.waitSignal(panel.predictions_finished, timeout=30_000):
        assert drop_files(panel, photos + [tmp_path / "new" / "readme.txt"])
    assert panel.table.rowCount() == 3
    assert [panel.table.item(r, 0).text() for r in range(3)] == ["photo0.png", "photo1.png", "photo2.png"]
    for row in range(3):
        assert panel.table.item(row, 1).text() in ("cats", "dogs")
        assert 0.5 <= panel.table.item(row, 2).data(Qt.ItemDataRole.UserRole + 1) <= 1.0
        assert not panel.table.item(row, 0).icon().isNull()
    assert len(panel.skipped) == 1 and "readme.txt" in panel.banner.text()
    # A dropped folder adds every photo in it.
    with qtbot.waitSignal(panel.predictions_finished, timeout=30_000):
        drop_files(panel, [data / "test" / "cats"])
    assert panel.table.rowCount() == 3 + 4
    out = panel.save_csv(tmp_path / "results.csv")
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 7 and rows[0]["path"] == str(photos[0])
    assert abs(float(rows[0]["p_cats"]) + float(rows[0]["p_dogs"]) - 1) < 1e-5
    shoot(panel, "predictor_panel")


def test_a_drop_of_something_else_is_refused(window, qtbot, trained_model):
    from PySide6.QtCore import QMimeData, QPoint
    from PySide6.QtGui import QDragEnterEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setText("just text")
    event = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.predictor_panel, event)
    assert not event.isAccepted()


def test_a_file_that_is_not_a_model_gives_a_message(window, qtbot, tmp_path):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not really")
    panel = window.predictor_panel
    panel.open_model(bad)
    qtbot.waitUntil(lambda: bool(panel.banner.text()), timeout=20_000)
    assert "cannot be used" in panel.banner.text() and "bad.safetensors" in panel.banner.text()
    assert panel.predictor is None and panel.open_model_button.isEnabled()


def test_clicking_a_confusion_matrix_cell_shows_its_photos(window, qtbot, trained_model, shoot):
    model, data = trained_model
    panel = window.evaluation_panel
    evaluation = evaluate_model(qtbot, window, model, data)
    assert panel.matrix.rowCount() == panel.matrix.columnCount() == 2
    assert sum(int(panel.matrix.item(r, c).text().split()[0]) for r in range(2) for c in range(2)) == 8
    assert panel.accuracy_label.text().startswith("Test accuracy: ")
    for row, column in [(0, 0), (1, 1), (0, 1)]:
        rect = panel.matrix.visualRect(panel.matrix.model().index(row, column))
        qtbot.mouseClick(panel.matrix.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        expected = evaluation.paths_by_cell.get((row, column), [])
        assert panel.shown_cell == (row, column)
        assert panel.cell_gallery.paths() == expected
        assert f"({len(expected)}" in panel.cell_box.title()
    qtbot.waitUntil(lambda: not panel.cell_gallery.loading, timeout=10_000)
    mistakes = len(evaluation.misclassified)
    assert panel.mistakes_gallery.count() == mistakes
    panel.show_cell(0, 0)
    qtbot.waitUntil(lambda: not panel.cell_gallery.loading, timeout=10_000)
    shoot(panel, "evaluation_panel")


def test_runs_are_listed_compared_and_deleted(window, qtbot, tmp_path, monkeypatch, shoot):
    from catdog_gui.core.recipes import resolve_settings
    from catdog_gui.core.training import Training

    data = write_lecture_dataset(tmp_path / "photos")
    runs = tmp_path / "runs"
    monkeypatch.setenv("CATDOG_GUI_RUNS", str(runs))
    folders = []
    for strategy, epochs in (("scratch", 3), ("scratch-augmented", 2)):
        settings = resolve_settings(str(data), strategy, epochs=epochs, image_size=48, batch_size=8)
        folders.append(list(Training(settings, runs_dir=runs).run())[-1].run_dir)
    panel = window.runs_panel
    window.show_step(5)
    assert panel.table.rowCount() == 2
    strategies = {panel.table.item(r, 1).text() for r in range(2)}
    assert strategies == {"scratch", "scratch-augmented"}
    panel.select_runs(folders)
    assert len(panel.selected_runs()) == 2
    curves = panel.accuracy_plot.getPlotItem().listDataItems()
    assert len(curves) == 4  # validation and training for each run
    assert sorted(len(c.getData()[0]) for c in curves) == [2, 2, 3, 3]
    assert not panel.open_button.isEnabled()  # one run at a time
    shoot(panel, "runs_panel")
    panel.select_runs(folders[1:])
    assert panel.open_button.isEnabled() and panel.export_button.isEnabled()
    assert panel.delete_selected(confirm=False) == 1
    assert not Path(folders[1]).exists() and Path(folders[0]).exists()
    assert panel.table.rowCount() == 1


def test_a_model_is_exported_from_the_window(window, qtbot, trained_model, tmp_path):
    model, _ = trained_model
    out = tmp_path / "model.pt"
    window.export_model(str(model), str(out), "torchscript")
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=60_000)
    assert out.is_file() and out.stat().st_size > 1000


def test_a_run_whose_model_metadata_is_odd_is_still_listed(tmp_path):
    import torch
    from safetensors.torch import save_file

    from catdog_gui.gui.runs_panel import scan_runs

    run = tmp_path / "20261126-120000-scratch"
    run.mkdir()
    (run / "settings.json").write_text('{"data": "photos", "strategy": "scratch"}')
    (run / "metrics.csv").write_text("phase,epoch,loss,accuracy,val_loss,val_accuracy,seconds\n"
                                     "training,1,0.7,0.5,0.69,0.625,1.0\n")
    save_file({"w": torch.zeros(1)}, run / "best.safetensors", metadata={"metrics": "[1, 2]"})
    (listed,) = scan_runs(tmp_path)
    assert listed.strategy == "scratch" and listed.test_accuracy is None
    assert listed.best_val == 0.625  # from metrics.csv, since the file's own metrics are unusable
    assert listed.damaged.startswith("best.safetensors: invalid metadata")  # and the row says why


def test_evaluation_after_a_run_uses_the_run_s_subset_of_the_test_photos(trained_model, monkeypatch):
    from catdog_gui.core import datasets
    from catdog_gui.gui.evaluation_panel import evaluate_job

    model, data = trained_model  # 4 test photos per class
    monkeypatch.setattr(datasets, "LECTURE_COUNTS", (8, 4, 3))
    for subset, per_class in (("all", 4), ("lecture", 3)):
        result = evaluate_job(str(model), str(data), seed=0, subset=subset)
        assert result.split == "test"
        assert [sum(row) for row in result.evaluation.confusion_matrix] == [per_class, per_class]


def test_the_tta_box_evaluates_again_with_the_mirror_images_and_is_remembered(window, qtbot, trained_model,
                                                                              gui_settings, monkeypatch):
    from catdog_gui.core import preprocessing
    from catdog_gui.gui.evaluation_panel import EvaluationPanel, evaluate_job
    from catdog_gui.gui.settings import restore_settings

    views = []  # batches asked about with test-time augmentation (in the worker's thread)
    original = preprocessing.test_time_views
    monkeypatch.setattr(preprocessing, "test_time_views", lambda batch: views.append(len(batch)) or original(batch))
    model, data = trained_model
    panel = window.evaluation_panel
    window.show_step(3)
    assert not panel.tta_box.isChecked() and "slower" in panel.tta_box.toolTip()
    with qtbot.waitSignal(panel.evaluated, timeout=30_000) as blocker:
        panel.evaluate(str(model), str(data))
    assert blocker.args[0].evaluation.tta is False and views == []
    with qtbot.waitSignal(panel.evaluated, timeout=30_000) as blocker:
        panel.tta_box.click()
    evaluation = blocker.args[0].evaluation
    assert evaluation.tta and sum(views) == 8  # every test photo, mirrored too
    assert "mirrored" in panel.source_label.text()
    expected = evaluate_job(str(model), str(data), tta=True).evaluation
    assert evaluation.confusion_matrix == expected.confusion_matrix
    assert [m["probability"] for m in evaluation.misclassified] == [m["probability"] for m in expected.misclassified]
    assert "Balanced accuracy" in panel.accuracy_detail.text()
    assert panel.per_class.columnCount() == 3
    assert panel.per_class.item(0, 2).data(Qt.ItemDataRole.UserRole + 1) == pytest.approx(evaluation.precision["cats"])

    window.save_settings()
    fresh = EvaluationPanel()
    qtbot.addWidget(fresh)
    restore_settings(fresh, gui_settings)
    fresh.show()
    assert fresh.tta and fresh.tta_box.isChecked()


def test_the_tta_box_classifies_the_photos_again_with_the_mirror_images(window, qtbot, trained_model, tmp_path):
    from catdog_gui.core.prediction import Predictor

    model, data = trained_model
    panel = window.predictor_panel
    window.show_step(4)
    open_model(qtbot, window, model)
    with qtbot.waitSignal(panel.predictions_finished, timeout=30_000):
        panel.add_paths([data / "test" / "cats", tmp_path / "missing.png"])
    plain = [p.probabilities for p in panel.results]
    with qtbot.waitSignal(panel.predictions_finished, timeout=30_000):
        panel.tta_box.click()
    assert panel.tta and panel.predictor.tta and "mirrored" in panel.summary_label.text()
    assert panel.table.rowCount() == 4 and len(panel.skipped) == 1  # the same photos, once each
    expected, _ = Predictor(model, tta=True).predict_paths([data / "test" / "cats"])
    for shown, wanted in zip(panel.results, expected):
        assert shown.path == wanted.path
        assert shown.probabilities == pytest.approx(wanted.probabilities, abs=1e-6)
    assert [p.probabilities for p in panel.results] != plain
