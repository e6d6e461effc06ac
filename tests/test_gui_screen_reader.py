"""What a screen reader reads: names and descriptions of the steps, buttons, plots, bars, thumbnails and
confusion-matrix cells, asked of Qt's accessibility interface as a screen reader asks it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from conftest import make_image, write_lecture_dataset
from gui_fixtures import choose_small_scratch, evaluate_model, load_data
from catdog_gui.gui.accessible import (
    confusion_cell_name,
    epoch_values_text,
    metric_words,
    mnemonic_letter,
    percent_words,
    plain_text,
    probability_name,
    run_curves_text,
    thumbnail_name,
)


def spoken(widget, text=QAccessible.Text.Name) -> str:
    return QAccessible.queryAccessibleInterface(widget).text(text)


def spoken_children(widget, text=QAccessible.Text.Name) -> list[str]:
    """What a screen reader reads for each item of a list or cell of a table (headers included)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return [interface.child(i).text(text) for i in range(interface.childCount())]


# ---- the words


@pytest.mark.parametrize("text, letter", [("&Open", "o"), ("Sa&ve as CSV…", "v"), ("Cats && dogs", None),
                                          ("Cats && &dogs", "d"), ("No mnemonic", None), ("Trailing &", None)])
def test_mnemonic_letter(text, letter):
    assert mnemonic_letter(text) == letter


def test_plain_text_drops_the_marker_and_keeps_a_doubled_ampersand():
    assert plain_text("Fine-tuning &epochs:") == "Fine-tuning epochs:"
    assert plain_text("Cats && &dogs") == "Cats & dogs"


def test_percentages_are_spoken_rounded_but_never_falsely_whole():
    assert probability_name("dogs", 0.97) == "dogs, 97 percent"
    assert percent_words(1.0) == "100 percent" and percent_words(0.0) == "0 percent"
    assert percent_words(0.998) == "99.8 percent" and percent_words(0.002) == "0.2 percent"


def test_plot_and_thumbnail_words():
    assert (epoch_values_text("Accuracy per epoch", 0.912, 0.88, 5, 10)
            == "Accuracy per epoch: training 0.91, validation 0.88 at epoch 5 of 10")
    assert metric_words(0.0423) == "0.0423" and metric_words(1.5) == "1.50"
    assert thumbnail_name("/photos/train/cats/cat.1.png", "cats → dogs\n97 % sure") == "cat.1.png, cats → dogs 97 % sure"


@pytest.fixture
def spanish(qapp):
    """The app speaks Spanish during the test; the language before it is back afterwards."""
    from catdog_gui.gui import i18n

    before = i18n.language_in_use()
    i18n.use_language("es")
    yield
    if before is None:
        i18n.forget_language()
    else:
        i18n.use_language(before)


def test_the_words_in_spanish_with_spanish_numbers(spanish):
    assert percent_words(0.998) == "99,8 por ciento" and probability_name("perros", 0.97) == "perros, 97 por ciento"
    assert metric_words(1.5) == "1,50" and metric_words(0.0423) == "0,0423"
    assert (epoch_values_text("Exactitud por época", 0.912, 0.88, 5, 10)
            == "Exactitud por época: entrenamiento 0,91, validación 0,88 en la época 5 de 10")
    assert run_curves_text("Pérdida", []) == "Pérdida: ningún entrenamiento seleccionado"
    assert confusion_cell_name("gatos", "perros", 1) == "real gatos, predicho perros: 1 foto"
    assert confusion_cell_name("gatos", "perros", 12) == "real gatos, predicho perros: 12 fotos"


# ---- on the window


def test_steps_and_symbol_buttons_have_spoken_names(window):
    assert spoken_children(window.steps) == [f"Step {n}: {name}" for n, name in
                                             enumerate(("Photos", "Strategy", "Train", "Evaluate", "Classify",
                                                        "Runs"), start=1)]
    assert "Ctrl+3" in spoken_children(window.steps, QAccessible.Text.Description)[2]
    panel = window.training_panel
    assert spoken(panel.start_button) == "Start training" and spoken(panel.stop_button) == "Stop"
    assert spoken(window.back_button) == "Back"
    window.show_step(1)
    assert spoken(window.next_button) == "Next: Train"
    assert [spoken(button) for button in panel.banner.findChildren(QToolButton)] == ["Hide this message"]


def test_training_plots_say_the_latest_epoch_and_the_runs_plots_each_run(window, qtbot, tmp_path):
    panel = window.training_panel
    assert spoken(panel.accuracy_plot) == "Accuracy per epoch"
    assert spoken(panel.accuracy_plot, QAccessible.Text.Description).endswith("no epoch has finished yet")
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, 2)
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as blocker:
        panel.start_button.click()
    for plot, key, title in ((panel.accuracy_plot, "accuracy", "Accuracy per epoch"),
                             (panel.loss_plot, "loss", "Loss per epoch")):
        training, validation = panel.series[key].last()[1], panel.series[f"val_{key}"].last()[1]
        assert spoken(plot, QAccessible.Text.Description) == (
            f"{title}: training {metric_words(training)}, validation {metric_words(validation)} at epoch 2 of 2")

    runs = window.runs_panel
    window.show_step(5)
    runs.select_runs([blocker.args[0].run_dir])
    run = runs.selected_runs()[0]
    described = spoken(runs.accuracy_plot, QAccessible.Text.Description)
    assert described == (f"Accuracy per epoch: {run.label}, validation "
                         f"{metric_words(run.series('val_accuracy')[-1])} at epoch 2")
    runs.table.clearSelection()
    assert spoken(runs.loss_plot, QAccessible.Text.Description) == "Loss per epoch: no run selected"


def test_sample_thumbnails_name_their_file_and_class(window, qtbot, tmp_path):
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    names = spoken_children(window.data_panel.thumbnails)
    assert "cats.0.png, cats" in names and "dogs.0.png, dogs" in names
    assert spoken(window.data_panel.thumbnails) == "Sample training photos"


def test_confusion_cells_bars_and_photos_are_read_out(window, qtbot, tmp_path, trained_model):
    model, data = trained_model
    evaluation = window.evaluation_panel
    ev = evaluate_model(qtbot, window, model, data)
    cells = spoken_children(evaluation.matrix)
    for i, truth in enumerate(ev.classes):
        for j, said in enumerate(ev.classes):
            count = ev.confusion_matrix[i][j]
            assert f"true {truth}, predicted {said}: {count} photo{'' if count == 1 else 's'}" in cells
    bars = spoken_children(evaluation.per_class)
    recall = ev.per_class[ev.classes[0]]
    assert f"{ev.classes[0]}, recognised {percent_words(recall)}" in bars

    # The arrow keys choose cells as clicks do; their photos are named with what they are and were called.
    evaluation.matrix.setFocus()
    evaluation.show_cell(0, 0)
    QTest.keyClick(evaluation.matrix, Qt.Key.Key_Right)
    assert evaluation.shown_cell == (0, 1)
    photos = ev.paths_by_cell.get((0, 1), [])
    assert spoken_children(evaluation.cell_gallery) == [
        f"{Path(p).name}, is {ev.classes[0]}, the model said {ev.classes[1]}" for p in photos]
    QTest.keyClick(evaluation.matrix, Qt.Key.Key_Down)
    assert evaluation.shown_cell == (1, 1)
    assert evaluation.cell_box.title().startswith(f"Photos of {ev.classes[1]} recognised as {ev.classes[1]}")

    # Each classified photo's bar reads its class and how sure the model is.
    predictor = window.predictor_panel
    with qtbot.waitSignal(predictor.model_loaded, timeout=30_000):
        predictor.open_model(model)
    photos = [make_image(tmp_path / "new" / f"photo{i}.png", i % 2, 700 + i) for i in range(2)]
    with qtbot.waitSignal(predictor.predictions_finished, timeout=30_000):
        predictor.add_paths(photos)
    names = spoken_children(predictor.table)
    for prediction in predictor.results:
        name = probability_name(prediction.label, prediction.probability)
        assert re.fullmatch(r"(cats|dogs), \d+(\.\d)? percent", name) and name in names
