"""The window from the keyboard: shortcuts to the steps, the Training menu, mnemonics, tab order."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QPushButton, QToolButton, QWidget

from conftest import make_image, write_lecture_dataset
from gui_fixtures import choose_small_scratch, load_data, open_window
from catdog_gui.gui.accessible import mnemonic_letter, plain_text


def press(window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the user's focus is (the window first made the active one)."""
    window.activateWindow()
    QTest.keyClick(QApplication.focusWidget() or window, key, modifier)


def mnemonic_texts(container: QWidget) -> list[str]:
    """The texts with a mnemonic letter in ``container``: buttons, group boxes, and labels of a field."""
    texts = []
    for widget in container.findChildren(QWidget):
        if isinstance(widget, QAbstractButton) and not isinstance(widget, QToolButton):
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            text = widget.text()
        else:
            continue
        if mnemonic_letter(text):
            texts.append(text)
    return texts


def window_wide_texts(window) -> list[str]:
    """Mnemonics that work on every step: the menu bar's and the footer's buttons."""
    return [action.text() for action in window.menuBar().actions()] + [window.back_button.text(),
                                                                       window.next_button.text()]


def assert_unique_mnemonics(texts: list[str], where: str) -> None:
    letters = Counter(mnemonic_letter(text) for text in texts)
    clashes = {letter: [t for t in texts if mnemonic_letter(t) == letter] for letter, n in letters.items() if n > 1}
    assert not clashes, f"{where}: the same mnemonic letter for {clashes}"


def tab_chain(start: QWidget, count: int) -> list[QWidget]:
    """The widgets that up to ``count`` presses of Tab go through, from ``start``, until one comes again."""
    start.setFocus(Qt.FocusReason.OtherFocusReason)
    visited = []
    for _ in range(count):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() in visited:
            break
        visited.append(QApplication.focusWidget())
    return visited


def test_ctrl_1_to_6_go_to_the_steps_and_the_go_menu_lists_them(window, qtbot):
    go_menu = next(a.menu() for a in window.menuBar().actions() if plain_text(a.text()) == "Go")
    entries = [a for a in go_menu.actions() if not a.isSeparator()]
    assert [plain_text(a.text()) for a in entries] == ["1  Photos", "2  Strategy", "3  Train", "4  Evaluate",
                                                       "5  Classify", "6  Runs"]
    for index in (2, 5, 0, 3):
        press(window, getattr(Qt.Key, f"Key_{index + 1}"), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentIndex() == index
        assert entries[index].isChecked() and entries[index].shortcut() == QKeySequence(f"Ctrl+{index + 1}")
    window.show_step(4)  # however the step changes, the menu shows which it is
    assert entries[4].isChecked() and not entries[3].isChecked()
    assert "Ctrl+2" in window.steps.item(1).toolTip()


def test_no_two_actions_share_a_shortcut(window):
    shortcuts = [action.shortcut().toString() for action in window.findChildren(QAction)
                 if not action.shortcut().isEmpty()]
    assert len(shortcuts) >= 12  # File's three or four (Quit's key is the platform's), Go's six, Training's three
    assert [key for key, n in Counter(shortcuts).items() if n > 1] == []


def test_the_training_menu_drives_a_run_and_follows_its_buttons(window, qtbot, tmp_path):
    panel = window.training_panel
    actions = (window.start_action, window.pause_action, window.stop_action)
    assert [action.isEnabled() for action in actions] == [False, False, False]  # no photos yet
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, 500)
    assert [action.isEnabled() for action in actions] == [True, False, False]
    window.show_step(0)
    with qtbot.waitSignal(panel.run_started, timeout=10_000):
        press(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentIndex() == 2  # the run is shown
    assert [action.isEnabled() for action in actions] == [False, True, True]
    qtbot.waitUntil(lambda: panel.series["val_accuracy"].count >= 1, timeout=30_000)
    with qtbot.waitSignal(panel._worker.paused, timeout=5000):
        window.pause_action.trigger()
    assert window.pause_action.text() == panel.pause_button.text() == "&Resume"
    with qtbot.waitSignal(panel.run_finished, timeout=10_000) as blocker:
        window.stop_action.trigger()
    assert blocker.args[0].stopped
    assert [action.isEnabled() for action in actions] == [True, False, False]
    assert window.pause_action.text() == "&Pause"


def test_mnemonics_are_unique_in_each_step_menu_and_dialog(qtbot, gui_settings, tmp_path, monkeypatch):
    from catdog_gui.core import datasets
    from catdog_gui.gui.data_panel import SplitDialog

    # A folder bigger than the lecture's subset: the choice between them shows, with its texts set then.
    monkeypatch.setattr(datasets, "LECTURE_COUNTS", (4, 2, 2))
    for i in range(22):
        make_image(tmp_path / "flat" / f"{('cat', 'dog')[i % 2]}.{i}.png", i % 2, i, size=12)
    window = open_window(qtbot, gui_settings)
    load_data(qtbot, window, tmp_path / "flat")
    assert window.data_panel.subset_box.isVisible()
    window.strategy_panel.select("fine-tuning")  # its epochs label is set anew
    window.training_panel._on_paused()  # Pause says Resume while a run is paused
    for index, panel in enumerate(window.panels):
        window.show_step(index)
        texts = mnemonic_texts(panel)
        assert_unique_mnemonics(window_wide_texts(window) + texts, type(panel).__name__)
        unmarked = [b.text() for b in panel.findChildren(QPushButton) if not mnemonic_letter(b.text())]
        assert unmarked == [], f"{type(panel).__name__}: buttons without a mnemonic"
    assert "&Resume" in mnemonic_texts(window.training_panel)
    assert {"Use &every photo (22)", "Fine-tuning &epochs:"} <= set(mnemonic_texts(window.data_panel)
                                                                    + mnemonic_texts(window.strategy_panel))
    for menu_action in window.menuBar().actions():
        entries = [a.text() for a in menu_action.menu().actions() if not a.isSeparator()]
        assert all(mnemonic_letter(text) for text in entries), entries
        assert_unique_mnemonics(entries, plain_text(menu_action.text()))
    dialog = SplitDialog(str(tmp_path / "flat"), 11, window)
    assert_unique_mnemonics(mnemonic_texts(dialog), "SplitDialog")
    dialog.deleteLater()


def test_a_mnemonic_takes_the_focus_to_its_field(window, qtbot):
    strategy = window.strategy_panel
    window.show_step(1)
    strategy.scroll.setFocus()
    press(window, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # "Networ&k:"
    assert QApplication.focusWidget() is strategy.backbone_combo
    press(window, Qt.Key.Key_Z, Qt.KeyboardModifier.AltModifier)  # "Batch si&ze:"
    assert QApplication.focusWidget() is strategy.batch_size
    press(window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # "&Next: Train →"
    qtbot.waitUntil(lambda: window.stack.currentIndex() == 2, timeout=2000)  # a button's mnemonic animates a click


def test_tab_goes_through_the_strategy_step_as_it_is_laid_out(window, qtbot):
    strategy = window.strategy_panel
    window.show_step(1)
    window.activateWindow()
    chain = tab_chain(strategy.scroll, 40)
    # Top to bottom in the left column, then the right: the strategies (made once the engine is
    # loaded, so last in the order they were made in) come first, as they are shown. Tab stops at one
    # of them (the arrow keys choose among them).
    strategies = [widget for widget in chain if widget in strategy.recipe_buttons.values()]
    assert len(strategies) == 1
    order = [strategies[0], strategy.backbone_combo, strategy.epochs,
             strategy.batch_size, strategy.recommended_button, strategy.reset_button, strategy.new_samples_button,
             strategy.other_photo_button, window.back_button, window.next_button]
    positions = [chain.index(widget) for widget in order]
    assert positions == sorted(positions)


def test_tab_goes_from_the_steps_through_the_training_controls_to_the_plots(window, qtbot, tmp_path):
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    panel = window.training_panel
    window.show_step(2)
    window.activateWindow()
    chain = tab_chain(window.steps, 8)
    assert chain[:3] == [panel.start_button, panel.loss_plot, panel.accuracy_plot]
    assert chain.index(window.back_button) < chain.index(window.next_button)
