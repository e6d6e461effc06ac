"""The window in another language, and what of it is still in English.

``window_in(code)`` builds the main window with the app speaking ``code``; ``visible_texts(widget)``
collects the texts a user sees (labels, buttons, group boxes, tabs, headers, list items, menus);
``english_left(texts)`` keeps those still in English. conftest.py loads this module as a plugin
(``pytest_plugins``): a test asks for the ``window_in`` fixture by name and imports only the helpers::

    from i18n_fixtures import english_left, visible_texts

    def test_the_spanish_window_speaks_spanish(window_in):
        assert english_left(visible_texts(window_in("es"))) == []
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest

from gui_fixtures import open_window

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import update_translations  # noqa: E402 (after its folder is on the path)

# Words that give a text away as English. Left out: Spanish words as well ("a", "no", "error", "total",
# "has") and terms a Spanish window keeps ("zoom", "recall", "backbone", "auto"). Whole words, any case.
ENGLISH_WORDS = frozenset("""
    the and of to for with from this that these those is are was be been it its your you not or by on at an
    into than then when which what here there all each every more less only yet still first next back
    open save choose start stop pause resume train training trained model models photo photos image images
    folder folders file files step steps run runs epoch epochs accuracy loss class classes device export
    quit help about settings language later now restart load loading loaded ready best new show shown use
    used using set aside left out none yes close add remove clear copy find wrong right correct predicted
    size rate learning layers frozen head strategy evaluate classify continue how why where can will would
    should may must need needs have had detecting unavailable browse drop drag click press select compare
    curves chart time elapsed remaining done failed warning details keyboard shortcut system default
    going wait until anyway kept cannot could nothing found missing go in up down off most
    pretrained features fastest network networks built works offline weights measured random seed values
    shift sideways upside share flip brightness contrast saturation progress confident mistakes recognised
    precision delete refresh date data validation test nearest reflect constant large small
""".split())
# Names, units and terms that stay as they are in every language; matched before words are looked at.
ALLOWED = (
    "catdog-gui", "EfficientNet", "ResNet", "MobileNetV3-Large", "MobileNet", "ConvNeXt", "ImageNet", "PyTorch", "TorchScript",
    "torchrun", "ONNX", "CUDA", "cuDNN", "NVIDIA", "GPU", "GPUs", "CPU", "MPS", "Apple", "Python", "Qt", "timm",
    "safetensors", "AdamW", "Adam", "SGD", "OK", "Linux", "Windows", "macOS", "Lite0", "Lite1", "Lite2",
    "px", "ms", "min", "GB", "MB", "KiB", "MiB", "GiB",
)
_ALLOWED = re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(map(re.escape, ALLOWED)), re.IGNORECASE)
_PATH_OR_FILE = re.compile(r"\S*[/\\]\S*|\S+\.[A-Za-z0-9]{2,10}\b|https?://\S+")  # paths, file names, URLs
_WORD = re.compile(r"[^\W\d_]+")  # "can't" is "can" and "t"
_TAG = re.compile(r"<[^>]+>")
_MNEMONIC = re.compile(r"&(.)")


@pytest.fixture
def window_in(qtbot, gui_settings):
    """``window_in(code)``: the main window (shown, its engine loaded) built with the app speaking
    ``code`` (``"es"``); the language before the test is back afterwards."""
    from catdog_gui.gui import i18n

    before = i18n.language_in_use()

    def build(code: str):
        i18n.use_language(code)  # before the window: widgets take their texts when they are made
        return open_window(qtbot, gui_settings)

    yield build
    if before is None:
        i18n.forget_language()
    else:
        i18n.use_language(before)


def plain(text: str) -> str:
    """``text`` as read: without HTML tags, entities or mnemonic markers, blanks made single."""
    if _TAG.search(text):  # rich text: no mnemonics, "&amp;" is an ampersand
        text = html.unescape(_TAG.sub(" ", text))
    else:
        text = _MNEMONIC.sub(r"\1", text)
    return " ".join(text.split())


def visible_texts_by_widget(root) -> list[tuple[str, str]]:
    """``(where, text)`` for every text a user sees in ``root`` now: its title, the visible labels,
    buttons, group boxes, tabs, combo box entries, placeholders, item views' headers and items, a main
    window's menus (all entries, open or not) and status bar message. Tooltips are left out."""
    from PySide6.QtWidgets import QMainWindow, QWidget

    found = []
    if root.isWindow() and root.windowTitle():
        found.append((type(root).__name__ + " title", root.windowTitle()))
    if isinstance(root, QMainWindow):
        found += [(f"menu {where}", text) for where, text in menu_texts(root.menuBar())]
        if root.statusBar().currentMessage():
            found.append(("status bar", root.statusBar().currentMessage()))
    for widget in root.findChildren(QWidget):
        if widget.isVisible() and not widget.isWindow():
            where = f"{_owner_name(widget, root)} {type(widget).__name__}"
            found += [(where, text) for text in _texts_of(widget)]
    seen, unique = set(), []
    for where, text in found:
        text = plain(text)
        if text and (where, text) not in seen:
            seen.add((where, text))
            unique.append((where, text))
    return unique


def visible_texts(root) -> list[str]:
    """The texts of :func:`visible_texts_by_widget`, each once, as read (no tags or mnemonic markers)."""
    return list(dict.fromkeys(text for _, text in visible_texts_by_widget(root)))


def menu_texts(menu_bar) -> list[tuple[str, str]]:
    """``(menu, text)`` for every menu title and entry under ``menu_bar``, submenus too."""
    found = []

    def walk(menu, path: str) -> None:
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            found.append((path, action.text()))
            if action.menu() is not None:
                walk(action.menu(), f"{path} ▸ {plain(action.text())}")

    walk(menu_bar, "bar")
    return found


def _owner_name(widget, root) -> str:
    """The nearest parent whose class is the app's own (a panel), to say where a text is."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root and type(parent).__module__.startswith("PySide6"):
        parent = parent.parentWidget()
    return type(parent).__name__ if parent is not None else type(root).__name__


def _texts_of(widget) -> list[str]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QDoubleSpinBox,
        QGroupBox,
        QHeaderView,
        QLabel,
        QLineEdit,
        QSpinBox,
        QTabBar,
    )

    if isinstance(widget, (QLabel, QAbstractButton)):
        return [widget.text()]
    if isinstance(widget, QGroupBox):
        return [widget.title()]
    if isinstance(widget, QTabBar):
        return [widget.tabText(index) for index in range(widget.count())]
    if isinstance(widget, QComboBox):  # every entry: the list opens with a click
        return [widget.itemText(index) for index in range(widget.count())]
    if isinstance(widget, QLineEdit):
        return [widget.placeholderText()]
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):  # " epochs", " px", "Auto"
        return [widget.prefix(), widget.suffix(), widget.specialValueText()]
    if isinstance(widget, QAbstractSpinBox):
        return [widget.specialValueText()]
    if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView) and widget.model() is not None:
        return _item_view_texts(widget, Qt.ItemDataRole.DisplayRole)
    if callable(getattr(widget, "getPlotItem", None)):
        return _plot_texts(widget.getPlotItem())
    return []


def _plot_texts(item) -> list[str]:
    """A pyqtgraph plot's title, axis labels and legend entries."""
    axes = [item.getAxis(name) for name in ("left", "bottom", "right", "top")]
    texts = [item.titleLabel.text] + [axis.labelText for axis in axes if axis.isVisible()]
    if item.legend is not None:
        texts += [label.text for _, label in item.legend.items]
    return texts


def _item_view_texts(view, role, most: int = 200) -> list[str]:
    """The visible headers' texts and the first ``most`` items' (top-level rows) of an item view."""
    from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

    model = view.model()
    rows = model.rowCount(QModelIndex())
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
    if hasattr(view, "horizontalHeader"):  # tables
        headers = [(Qt.Orientation.Horizontal, view.horizontalHeader()), (Qt.Orientation.Vertical, view.verticalHeader())]
    else:  # trees have one header; lists none
        headers = [(Qt.Orientation.Horizontal, view.header())] if hasattr(view, "header") else []
    texts = []
    for orientation, header in headers:
        if header.isVisible():
            count = columns if orientation == Qt.Orientation.Horizontal else rows
            texts += [str(model.headerData(section, orientation, role) or "") for section in range(count)]
    for row in range(min(rows, most)):
        for column in range(columns):
            value = model.index(row, column).data(role)
            if isinstance(value, str):
                texts.append(value)
    return texts


def catalogue_sources(code: str = "es") -> set[str]:
    """The texts (as read) that ``code``'s catalogue translates into something else: shown as they
    are, they were not looked up."""
    from catdog_gui.gui.i18n import NAME_COMMENT, NAME_CONTEXT

    catalogue = update_translations.TRANSLATIONS / f"{update_translations.PREFIX}{code}.ts"
    found = set()
    for (context, source, comment), forms in update_translations.messages(catalogue).items():
        if (context, comment) == (NAME_CONTEXT, NAME_COMMENT):
            continue  # "English" names English in the Language menu, in every language
        if forms and plain(forms[0]) != plain(source) and "%" not in source:
            found.add(plain(source))
    return found


def english_left(texts, sources: set[str] | None = None) -> list[str]:
    """The texts in ``texts`` that are still English: a text the catalogue translates (``sources``,
    :func:`catalogue_sources` of Spanish by default) shown untranslated, or one with a word from
    :data:`ENGLISH_WORDS` once names (:data:`ALLOWED`), paths, file names and numbers are set aside."""
    sources = catalogue_sources() if sources is None else sources
    left = []
    for text in texts:
        text = plain(text)
        if text in sources or _has_english_word(text):
            left.append(text)
    return list(dict.fromkeys(left))


def _has_english_word(text: str) -> bool:
    rest = _ALLOWED.sub(" ", _PATH_OR_FILE.sub(" ", text))
    return any(word.lower() in ENGLISH_WORDS for word in _WORD.findall(rest))
