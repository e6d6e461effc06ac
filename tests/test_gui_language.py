"""The window in the user's language: the Language menu, and what of the window is still in English."""

from __future__ import annotations

import pytest

from gui_fixtures import load_data
from i18n_fixtures import english_left, menu_texts, visible_texts, visible_texts_by_widget

from catdog_gui.gui import i18n
from catdog_gui.gui import main_window as main_window_module
from conftest import write_lecture_dataset


def test_the_language_menu_reads_in_spanish(window_in):
    window = window_in("es")
    menus = [text for _, text in menu_texts(window.menuBar())]
    assert "&Configuración" in menus and "&Idioma" in menus
    choices = window.language_menu.choices()
    assert choices[i18n.SYSTEM_DEFAULT].text().startswith("Predeterminado del sistema (")
    assert choices["en"].text() == "English" and choices["es"].text() == "Español"
    texts = [text for where, text in visible_texts_by_widget(window) if "Configuración" in where]
    assert texts and english_left(texts) == []


def test_the_language_menu_offers_the_system_default_and_every_language_named_in_itself(window_in):
    window = window_in("en")
    menu = window.language_menu
    assert menu.title() == "&Language"
    assert list(menu.choices()) == [i18n.SYSTEM_DEFAULT, "en", "es"]
    assert [action.text() for action in menu.choices().values()][1:] == ["English", "Español"]
    assert menu.choices()[i18n.SYSTEM_DEFAULT].isChecked()  # nothing saved yet
    assert menu.group.isExclusive()


def test_the_saved_language_is_checked(gui_settings, window_in):
    i18n.save_language(gui_settings, "es")
    window = window_in("es")
    checked = [code for code, action in window.language_menu.choices().items() if action.isChecked()]
    assert checked == ["es"]


def test_choosing_a_language_saves_it_and_says_when_it_shows(gui_settings, window_in, qtbot):
    window = window_in("en")
    window.language_menu.choices()["es"].trigger()
    assert i18n.saved_language(gui_settings) == "es"
    box = window.language_menu.restart_box
    assert box is not None and box.isVisible() and "Español" in box.text()
    later = next(button for button in box.buttons() if button is not window.language_menu.restart_button)
    later.click()
    assert not box.isVisible() and window.isVisible()


def test_restart_now_closes_the_window_and_starts_the_app_again(window_in, monkeypatch):
    restarts = []
    monkeypatch.setattr(main_window_module, "restart_when_quitting", lambda: restarts.append(True))
    window = window_in("en")
    window.language_menu.choices()["es"].trigger()
    window.language_menu.restart_button.click()
    assert not window.isVisible() and restarts == [True]


def test_choosing_the_language_shown_asks_nothing(gui_settings, window_in):
    window = window_in("en")
    window.language_menu.choices()["en"].trigger()
    assert i18n.saved_language(gui_settings) == "en"
    assert window.language_menu.restart_box is None


# ---- the harness itself

def test_visible_texts_are_those_a_user_sees(qtbot):
    from PySide6.QtWidgets import (
        QComboBox,
        QGroupBox,
        QLabel,
        QPushButton,
        QSpinBox,
        QTableWidget,
        QTabWidget,
        QVBoxLayout,
        QWidget,
    )

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    hidden = QLabel("Hidden")
    group = QGroupBox("Box")
    table = QTableWidget(1, 2)
    table.setHorizontalHeaderLabels(["Class", "Photos"])
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "First tab")
    tabs.addTab(QWidget(), "Second tab")
    combo = QComboBox()
    combo.addItems(["One", "Two"])
    spin = QSpinBox()
    spin.setSuffix(" epochs")
    for widget in (QLabel("<b>Hello</b> &amp; bye"), hidden, QPushButton("&Open"), group, table, tabs, combo, spin):
        layout.addWidget(widget)
    hidden.hide()
    root.show()
    texts = visible_texts(root)
    assert {"Hello & bye", "Open", "Box", "Class", "Photos", "First tab", "Second tab", "One", "Two",
            "epochs"} <= set(texts)
    assert "Hidden" not in texts


def test_english_left_flags_english_and_spares_names_numbers_and_paths():
    texts = ["Abrir modelo", "&Open model…", "EfficientNet-Lite0", "CUDA 12.4 en NVIDIA GPU", "/home/u/photos/cats",
             "85,3 %", "Entrenar con EfficientNet", "Choose your photos first (step 1).", "cat.12.jpg", "OK",
             "No se puede continuar"]
    assert english_left(texts, sources=set()) == ["Open model…", "Choose your photos first (step 1)."]
    assert english_left(["Ajustes", "Qwerty"], sources={"Qwerty"}) == ["Qwerty"]  # shown as its source


# ---- every step

def test_every_step_reads_in_spanish(window_in, qtbot, tmp_path):
    window = window_in("es")
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "fotos"))
    left = {}
    for step in range(window.stack.count()):
        window.show_step(step)
        for where, text in visible_texts_by_widget(window):
            if english_left([text]):
                left.setdefault(text, where)
    report = "\n".join(f"  {where}: {text!r}" for text, where in left.items())
    assert not left, f"{len(left)} texts still in English:\n{report}"
