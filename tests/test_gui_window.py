"""The main window: opening, the data and strategy steps, settings kept between launches, --self-test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import make_image, write_lecture_dataset
from gui_fixtures import load_data, open_window


def test_window_opens_with_the_steps_the_device_and_the_menu(window, qtbot, shoot):
    assert window.isVisible()
    assert window.device_label.text().startswith("Device: ")
    assert any(word in window.device_label.text() for word in ("CPU", "CUDA", "MPS"))
    assert [window.steps.item(i).text() for i in range(window.steps.count())][0] == "1  Photos"
    menus = {a.text().replace("&", ""): a for m in window.menuBar().actions() for a in m.menu().actions()}
    assert {"Open dataset…", "Open model…", "Export model…", "Quit", "About catdog-gui"} <= set(menus)
    # Without photos, training cannot start and the window says why.
    assert not window.training_panel.start_button.isEnabled()
    assert "photos" in window.training_panel.ready_label.text()
    window.next_button.click()
    assert window.stack.currentWidget() is window.strategy_panel
    menus["About catdog-gui"].trigger()
    about = window.about_box.text()
    assert "PySide6" in about and "torch" in about and "Python" in about
    window.about_box.close()
    window.show_step(0)
    shoot(window, "window_start")


def test_choosing_a_dataset_fills_the_counts_the_samples_and_the_skipped_files(window, qtbot, tmp_path, shoot):
    data = write_lecture_dataset(tmp_path / "photos", per_split=(6, 3, 3))
    for i in range(6, 14):  # more cats than dogs: an imbalance the user must see
        make_image(data / "train" / "cats" / f"cats.{i}.png", 0, 500 + i)
    (data / "train" / "dogs" / "notes.txt").write_text("not a photo")
    dataset = load_data(qtbot, window, data)
    panel = window.data_panel
    assert dataset.counts()["train"] == {"cats": 14, "dogs": 6}
    assert panel.count_of("train", "cats") == 14
    assert panel.count_of("train", "dogs") == 6
    assert panel.count_of("validation", "dogs") == 3
    assert panel.count_of("test", "cats") == 3
    assert "2.3×" in panel.imbalance.text() and "'cats'" in panel.imbalance.text()
    assert panel.skipped_table.rowCount() == 1
    assert "not a supported image type" in panel.skipped_table.item(0, 1).text()
    assert "lecture" in panel.layout_label.text()
    # Sample photos of both classes, decoded in the background.
    captions = {panel.thumbnails.item(i).text() for i in range(panel.thumbnails.count())}
    assert captions == {"cats", "dogs"}
    assert not panel.thumbnails.item(0).icon().isNull()
    assert window.training_panel.start_button.isEnabled()
    shoot(panel, "data_panel")


def test_a_folder_that_cannot_be_used_says_why(window, qtbot, tmp_path):
    (tmp_path / "one" / "cats").mkdir(parents=True)
    make_image(tmp_path / "one" / "cats" / "a.png", 0, 1)
    with qtbot.waitSignal(window.data_panel.dataset_failed, timeout=10_000) as blocker:
        window.data_panel.open_folder(tmp_path / "one")
    assert "at least two classes" in blocker.args[0]
    assert window.data_panel.banner.isVisible() and window.data_panel.choose_button.isEnabled()


def test_a_folder_of_class_folders_is_split_into_a_new_lecture_folder(window, qtbot, tmp_path):
    source = tmp_path / "classes"
    for label, name in enumerate(("cats", "dogs")):
        for i in range(10):
            make_image(source / name / f"{i}.png", label, 100 * label + i)
    load_data(qtbot, window, source)
    assert window.data_panel.split_button.isVisible()
    with qtbot.waitSignal(window.data_panel.dataset_loaded, timeout=20_000) as blocker:
        window.data_panel.split_into(str(tmp_path / "split"), (6, 2, 2))
    dataset = blocker.args[0]
    assert dataset.layout == "lecture" and Path(dataset.root) == tmp_path / "split"
    assert dataset.counts() == {s: {"cats": n, "dogs": n} for s, n in (("train", 6), ("validation", 2), ("test", 2))}


def test_a_big_folder_offers_the_lecture_subset_and_the_choice_reaches_the_run(
        qtbot, gui_settings, tmp_path, monkeypatch, shoot):
    from catdog_gui.core import datasets

    monkeypatch.setattr(datasets, "LECTURE_COUNTS", (4, 2, 2))  # a "big" folder stays small and quick
    flat = tmp_path / "kaggle"
    for i in range(10):
        make_image(flat / f"cat.{i}.png", 0, i, size=12)
    for i in range(12):
        make_image(flat / f"dog.{i}.png", 1, 100 + i, size=12)
    window = open_window(qtbot, gui_settings)
    panel = window.data_panel
    dataset = load_data(qtbot, window, flat)
    # Every photo by default, and the subset one click away.
    assert dataset.subset == "all" and panel.subset_box.isVisible()
    assert panel.every_photo_button.isChecked()
    assert panel.every_photo_button.text() == "Use &every photo (22)"
    assert panel.lecture_subset_button.text() == "Use the &lecture's subset: 4/2/2 per class (16 photos)"
    assert panel.count_of("train", "cat") == 6 and panel.count_of("all", "dog") == 12
    assert panel.set_aside_of("all", "dog") == 0 and not panel.set_aside_note.isVisible()
    assert "<b>22</b> usable images" in panel.layout_label.text()

    with qtbot.waitSignal(panel.dataset_loaded, timeout=20_000) as blocker:
        panel.lecture_subset_button.click()
    dataset = blocker.args[0]
    assert dataset.subset == "lecture" and panel.subset == "lecture"
    assert panel.lecture_subset_button.isChecked()
    assert [panel.count_of(split, "dog") for split in ("train", "validation", "test")] == [4, 2, 2]
    # The folder is not split yet: what is set aside belongs to no split, and shows under All.
    assert (panel.set_aside_of("all", "cat"), panel.set_aside_of("all", "dog")) == (2, 4)
    assert panel.set_aside_of("train", "dog") == 0 and panel.count_of("all", "dog") == 8
    assert panel.set_aside_note.isVisible()
    assert ("6 photos are set aside: the lecture's subset uses 4 train, 2 validation and 2 test photos per class"
            in panel.set_aside_note.text())
    assert "<b>16</b> usable images" in panel.layout_label.text() and "<b>6</b> more" in panel.layout_label.text()
    qtbot.waitUntil(lambda: not panel.thumbnails.loading, timeout=20_000)
    shoot(panel, "data_panel_subset")

    started = []
    monkeypatch.setattr(window.training_panel, "start", started.append)
    window.training_panel.start_requested.emit()
    assert [(s.data, s.subset) for s in started] == [(str(flat), "lecture")]
    window.close()

    # Remembered: the next launch reads the folder with the subset again, and so do other folders.
    second = open_window(qtbot, gui_settings)
    qtbot.waitUntil(lambda: second.data_panel.dataset is not None, timeout=20_000)
    assert second.data_panel.dataset.subset == "lecture" and second.data_panel.lecture_subset_button.isChecked()
    monkeypatch.setattr(datasets, "LECTURE_COUNTS", (5, 4, 3))
    split_already = write_lecture_dataset(tmp_path / "lecture", per_split=(8, 4, 4))
    load_data(qtbot, second, split_already)
    panel = second.data_panel
    assert [panel.count_of(split, "cats") for split in ("train", "validation", "test")] == [5, 4, 3]
    assert [panel.set_aside_of(split, "cats") for split in ("train", "validation", "test", "all")] == [3, 0, 1, 4]
    with qtbot.waitSignal(panel.dataset_loaded, timeout=20_000) as blocker:
        panel.every_photo_button.click()
    assert blocker.args[0].subset == "all" and panel.count_of("train", "cats") == 8
    assert panel.set_aside_of("all", "cats") == 0 and not panel.set_aside_note.isVisible()


def test_strategy_panel_shows_recipes_defaults_estimates_and_augmentation_preview(window, qtbot, tmp_path, shoot):
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    panel = window.strategy_panel
    window.show_step(1)
    assert len(panel.recipe_buttons) == 5
    assert all("Time: about" in note.text() for note in panel.recipe_notes.values())
    panel.recipe_buttons["fine-tuning"].click()
    assert panel.strategy == "fine-tuning"
    from catdog_gui.core.recipes import resolve_settings

    recommended = resolve_settings("x", "fine-tuning")  # the default preset
    assert panel.build_settings("x") == recommended
    assert panel.preset_label.text().startswith("recommended")
    assert panel.lr.value() == recommended.lr and panel.epochs.value() == recommended.epochs
    panel.reset_button.click()  # to the lecture's values
    assert panel.preset_label.text().startswith("the lecture's")
    assert panel.lr.text() == "2e-05" and panel.fine_tune_lr.text() == "1e-05"
    assert panel.epochs.value() == 20 and panel.head_epochs.value() == 10
    assert panel.image_size.value() == 224 and panel.head_epochs.isVisible()
    assert panel.use_augmentation.isChecked() and panel.knobs["rotation"].value() == 40
    panel.epochs.setValue(7)
    assert panel.build_settings("x").epochs == 7
    assert "changed by you: epochs" in panel.preset_label.text()
    panel.reset_button.click()
    assert panel.epochs.value() == 20 and "changed" not in panel.preset_label.text()
    assert panel.build_settings("x") == resolve_settings("x", "fine-tuning", preset="lecture")
    panel.recommended_button.click()
    assert panel.build_settings("x") == recommended
    panel.recipe_buttons["scratch"].click()
    assert panel.image_size.value() == 150 and not panel.head_epochs.isVisible()
    assert not panel.backbone_box.isEnabled()
    assert panel.build_settings("x").augmentation.active is False
    panel.recipe_buttons["scratch-augmented"].click()
    # The preview: the original and eight augmented versions of a training photo, redrawn on demand.
    qtbot.waitUntil(lambda: panel.preview_current and panel.preview_shown == 9, timeout=20_000)
    original = panel.preview_labels[0].pixmap().toImage()
    first = panel.preview_labels[1].pixmap().toImage()
    assert first != original
    panel.new_samples_button.click()
    qtbot.waitUntil(lambda: panel.preview_current, timeout=20_000)
    assert panel.preview_seed_shown == panel._preview_seed
    assert panel.preview_labels[1].pixmap().toImage() != first
    assert panel.preview_labels[0].pixmap().toImage() == original
    shoot(panel, "strategy_panel")


def test_dataset_strategy_and_settings_are_kept_between_launches(qtbot, gui_settings, tmp_path):
    data = write_lecture_dataset(tmp_path / "photos")
    first = open_window(qtbot, gui_settings)
    load_data(qtbot, first, data)
    first.strategy_panel.recipe_buttons["scratch-augmented"].click()
    first.strategy_panel.set_values(epochs=12, rotation=15)
    first.show_step(2)
    first.resize(790, 560)  # inside the offscreen screen (800 x 600)
    size = (first.width(), first.height())
    assert size != (1280, 820)
    first.close()

    second = open_window(qtbot, gui_settings)
    qtbot.waitUntil(lambda: second.data_panel.dataset is not None, timeout=20_000)
    assert Path(second.data_panel.dataset.root) == data
    assert second.strategy_panel.strategy == "scratch-augmented"
    assert second.strategy_panel.epochs.value() == 12
    assert second.strategy_panel.knobs["rotation"].value() == 15
    assert second.stack.currentIndex() == 2
    assert (second.width(), second.height()) == size


def test_self_test_exits_zero(tmp_path):
    env = dict(os.environ, CATDOG_GUI_SCREENSHOTS=os.environ.get("CATDOG_GUI_SCREENSHOTS") or str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "catdog_gui", "--self-test"], env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert "passed" in done.stderr
    assert (Path(env["CATDOG_GUI_SCREENSHOTS"]) / "self_test_window.png").is_file()


def test_a_folder_dropped_on_the_window_is_opened_as_the_dataset(window, qtbot, tmp_path):
    from catdog_gui.gui.selftest import drop_files

    data = write_lecture_dataset(tmp_path / "photos")
    with qtbot.waitSignal(window.data_panel.dataset_loaded, timeout=20_000) as blocker:
        assert drop_files(window, [data])
    assert Path(blocker.args[0].root) == data and window.stack.currentWidget() is window.data_panel


def test_a_superseded_folder_is_dropped(window, qtbot, tmp_path):
    first = write_lecture_dataset(tmp_path / "first")
    second = write_lecture_dataset(tmp_path / "second", per_split=(5, 2, 2))
    loaded = []
    window.data_panel.dataset_loaded.connect(loaded.append)
    window.data_panel.open_folder(first)
    window.data_panel.open_folder(second)  # chosen before the first finished scanning
    qtbot.waitUntil(lambda: not window.data_panel.busy and bool(loaded), timeout=20_000)
    qtbot.wait(200)
    assert [Path(d.root) for d in loaded] == [second]
    assert window.data_panel.count_of("train", "cats") == 5


def test_the_window_code_loads_without_torch_and_the_cli_without_qt():
    code = ("import sys, catdog_gui.gui.main_window; print('torch' in sys.modules); "
            "import catdog_gui.cli")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False"], done.stderr
    code = "import sys, catdog_gui.cli; print(any(m.startswith('PySide6') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False"], done.stderr


def test_catdog_gui_without_arguments_opens_the_window(monkeypatch):
    from catdog_gui import cli
    from catdog_gui.gui import app

    opened = []
    monkeypatch.setattr(app, "run_window", lambda paths=(): opened.append(list(paths)) or 0)
    assert cli.main([]) == 0 and opened == [[]]


def test_durations_read_naturally_from_milliseconds_to_hours():
    from catdog_gui.gui.widgets import format_duration

    assert format_duration(0.042) == "42 ms"  # a small head's epoch on cached features
    assert format_duration(0.5) == "0.5 s"
    assert format_duration(42.4) == "42 s"
    assert format_duration(200) == "3 min 20 s"
    assert format_duration(3900) == "1 h 05 min"
    assert format_duration(float("inf")) == "–"


def test_durations_in_spanish_have_a_decimal_comma(qapp):
    from catdog_gui.gui import i18n
    from catdog_gui.gui.widgets import format_duration

    before = i18n.language_in_use()
    i18n.use_language("es")
    try:
        assert format_duration(0.5) == "0,5 s" and format_duration(200) == "3 min 20 s"
    finally:
        if before is None:
            i18n.forget_language()
        else:
            i18n.use_language(before)


def test_the_strategy_step_says_what_each_network_measured_and_takes_class_weights(window, monkeypatch):
    from catdog_gui.gui import strategy_panel

    figure = {"test_accuracy": 0.97, "seconds": 300, "photos": 204, "machine": "Some CPU, 2 cores"}
    monkeypatch.setattr(strategy_panel, "FIGURES", {"efficientnet-lite1": {"fine-tuning": {"flowers17": figure}}})
    panel = window.strategy_panel
    window.show_step(1)
    panel.select("feature-extraction", "efficientnet-lite1")
    assert "fine-tuning: 17 flowers 0.970 (5 min" in panel.measured_label.text()
    assert "Some CPU, 2 cores" in panel.measured_label.text()
    assert "built in" in panel.weights_label.text() and panel.weights_button.isHidden()  # Lite1 ships its weights
    panel.select("feature-extraction", "vgg16")
    assert panel.measured_label.text().startswith("Not measured") and not panel.weights_button.isHidden()
    assert panel.build_settings("x").class_weights == "auto"
    panel.set_values(class_weights="off")
    assert panel.build_settings("x").class_weights == "off"
    assert "weigh classes against imbalance" in panel.preset_label.text()
