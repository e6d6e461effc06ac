"""Step 1, the data: choose a folder, see its layout, class counts, sample photos and skipped files."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import datasets  # datasets.LECTURE_COUNTS is read where used: tests make the subset small
from ..core.datasets import (CLASS_FOLDERS_LAYOUT, DEFAULT_FRACTIONS, FLAT_LAYOUT, LECTURE_LAYOUT, UNSPLIT,
                             load_dataset, subset_offered, subset_sizes, suggested_split_counts, write_split)
from ..core.errors import DataError
from ..core.names import EVERY_PHOTO_SUBSET, LECTURE_SUBSET
from . import colours, i18n
from .settings import Setting
from .widgets import VALUE_ROLE, Banner, DropZone, ThumbnailGrid, describe_error, mute, page_header
from .worker import TaskSlot

# Translated where shown (QCoreApplication.translate("data_panel", ...)); %1 is the split's fractions.
LAYOUT_TEXT = {
    LECTURE_LAYOUT: QT_TRANSLATE_NOOP("data_panel", "train / validation / test folders, one folder per class inside "
                                               "each (the lecture's layout)"),
    CLASS_FOLDERS_LAYOUT: QT_TRANSLATE_NOOP("data_panel", "one folder per class, not split yet: it is split %1 for "
                                                     "each class when training (or make a split copy now)"),
    FLAT_LAYOUT: QT_TRANSLATE_NOOP("data_panel", "a flat folder whose file names start with the class (cat.12.jpg): "
                                            "labels come from the names; it is split %1 for each class when "
                                            "training (or make a split copy now)"),
}
SAMPLES_PER_CLASS = 12
IMBALANCE_RATIO = 1.5
SPLIT_TITLES = {"train": QT_TRANSLATE_NOOP("data_panel", "Training"),
                "validation": QT_TRANSLATE_NOOP("data_panel", "Validation"),
                "test": QT_TRANSLATE_NOOP("data_panel", "Test")}
ALL_TITLE = QT_TRANSLATE_NOOP("data_panel", "All")
SUBSET_IDS = {EVERY_PHOTO_SUBSET: 0, LECTURE_SUBSET: 1}  # the radio buttons' ids in their group
# A count cell keeps its numbers as item data (its text is written as the language writes numbers).
COUNT_ROLE = Qt.ItemDataRole.UserRole + 20  # past widgets.py's roles (VALUE_ROLE is the bar's share)
SET_ASIDE_ROLE = Qt.ItemDataRole.UserRole + 21
# Why a file is left out, as core/images.py and core/datasets.py say it (English there, for the command
# line); registered here for lupdate and translated where shown (tests/test_gui_panel_texts.py checks
# that core still says each). Reasons with a file's details in them stay as core says them.
SKIP_REASONS = (
    QT_TRANSLATE_NOOP("data_panel", "system file"),
    QT_TRANSLATE_NOOP("data_panel", "hidden file"),
    QT_TRANSLATE_NOOP("data_panel", "broken link or link loop"),
    QT_TRANSLATE_NOOP("data_panel", "not a regular file (a device, pipe or socket)"),
    QT_TRANSLATE_NOOP("data_panel", "a link to a folder; not followed"),
    QT_TRANSLATE_NOOP("data_panel", "not inside a class folder"),
    QT_TRANSLATE_NOOP("data_panel", "not inside train/, validation/ or test/"),
    QT_TRANSLATE_NOOP("data_panel", "name does not start with a class, like 'cat.123.jpg'"),
    QT_TRANSLATE_NOOP("data_panel", "empty file (0 bytes)"),
    QT_TRANSLATE_NOOP("data_panel", "permission denied"),
    QT_TRANSLATE_NOOP("data_panel", "is a folder, not a file"),
    QT_TRANSLATE_NOOP("data_panel", "file not found (moved or deleted?)"),
    QT_TRANSLATE_NOOP("data_panel", "not an image, or a format this app cannot read"),
    QT_TRANSLATE_NOOP("data_panel", "truncated or damaged image data (the bottom of the picture is missing)"),
    QT_TRANSLATE_NOOP("data_panel", "truncated or damaged image data"),
    QT_TRANSLATE_NOOP("data_panel", "too large to decode in the memory available"),
    QT_TRANSLATE_NOOP("data_panel", "no extension"),  # in "not a supported image type (no extension); ..."
)
# Reasons with a detail in them: core's pattern, and the text it becomes (%1: the detail).
_SKIP_PATTERNS = (
    (re.compile(r"^not a supported image type \((.*)\); use JPEG, PNG, BMP, GIF, WebP or TIFF$"),
     QT_TRANSLATE_NOOP("data_panel", "not a supported image type (%1); use JPEG, PNG, BMP, GIF, WebP or TIFF")),
    (re.compile(r"^class '(.*)' is not in train/; ignored$"),
     QT_TRANSLATE_NOOP("data_panel", "class '%1' is not in train/; ignored")),
    (re.compile(r"^(.*); ignored$"), QT_TRANSLATE_NOOP("data_panel", "%1; ignored")),
)
# core/datasets.py's Dataset.unused_reason: "set aside: <by> uses <n> train, <n> validation and <n> test ...".
_SET_ASIDE_REASON = re.compile(r"^set aside: (.+) uses (\d+) train, (\d+) validation and (\d+) test photos per class$")


def load(folder: str, seed: int = 0, subset: str = EVERY_PHOTO_SUBSET):
    """Scan ``folder`` (runs in a worker): the :class:`~catdog_gui.core.datasets.Dataset`.

    The lecture's subset is used when ``subset`` asks for it and the folder offers it; a folder too
    small for it, or no bigger than it, uses every photo (``Dataset.subset`` says which was used).
    """
    if subset == LECTURE_SUBSET:  # read the folder once when the subset can be used (the usual case)
        try:
            dataset = load_dataset(folder, seed=seed, subset=subset)
        except DataError:
            pass  # too small for the subset (or unreadable: reading every photo says why)
        else:
            if subset_offered(dataset):
                return dataset
    return load_dataset(folder, seed=seed)


def subset_choice_texts(dataset) -> tuple[str, str]:
    """The labels of the two choices, with the photos each would use."""
    sizes = subset_sizes(dataset)
    train, validation, test = (i18n.format_number(count) for count in datasets.LECTURE_COUNTS)
    every = QCoreApplication.translate("data_panel", "Use &every photo (%1)")
    # Never a single photo (two classes at least): no plural forms needed.
    lecture = QCoreApplication.translate("data_panel", "Use the &lecture's subset: %1/%2/%3 per class (%4 photos)")
    return (i18n.fill(every, i18n.format_number(sizes[EVERY_PHOTO_SUBSET])),
            i18n.fill(lecture, train, validation, test, i18n.format_number(sizes[LECTURE_SUBSET])))


def set_aside_text(dataset) -> str:
    """Under the counts table: how many photos are set aside and why, else ``""``."""
    total = dataset.unused_total()
    if not total:
        return ""
    # A plural (%Ln: the count as the language writes it): the catalogues hold the singular too; the English
    # source keeps the words the window always showed.
    text = i18n.fill(QCoreApplication.translate("data_panel", "%Ln photos are set aside: %1.", None, total),
                     set_aside_reason_text(dataset.unused_reason))
    if UNSPLIT in dataset.unused:
        text += " " + QCoreApplication.translate(
            "data_panel", "The folder is not split yet, so they are counted in the All column only.")
    return text + " " + QCoreApplication.translate("data_panel",
                                                   "Choose “Use every photo” above to train on them too.")


def set_aside_reason_text(reason: str) -> str:
    """Why photos are set aside (core's ``Dataset.unused_reason``), in the language in use."""
    found = _SET_ASIDE_REASON.match(reason)
    if found is None:
        return reason
    by, counts = found.group(1), [i18n.format_number(int(n)) for n in found.group(2, 3, 4)]
    if by == "the lecture's subset":
        text = QCoreApplication.translate(
            "data_panel", "the lecture's subset uses %1 train, %2 validation and %3 test photos per class")
    else:
        text = QCoreApplication.translate(
            "data_panel", "the split uses %1 train, %2 validation and %3 test photos per class")
    return i18n.fill(text, *counts)


def skip_reason_text(reason: str) -> str:
    """Why a file is left out (as core says it), in the language in use where its words are known."""
    if reason in SKIP_REASONS:
        return _translate(reason)
    for pattern, text in _SKIP_PATTERNS:
        found = pattern.match(reason)
        if found:
            return i18n.fill(_translate(text), skip_reason_text(found.group(1)))
    return reason


def _translate(text: str) -> str:
    """``text``, marked with QT_TRANSLATE_NOOP in this module's context, in the language in use."""
    return QCoreApplication.translate("data_panel", text)


def fractions_text(fractions: tuple[float, ...]) -> str:
    """How a folder not split yet is cut, as people read it: ``70 / 15 / 15 %``."""
    return " / ".join(str(round(fraction * 100)) for fraction in fractions) + " %"


def make_split(source: str, out: str, counts: tuple[int, int, int], seed: int) -> str:
    """Write a lecture-layout copy of ``source`` (hard links where possible) to ``out``; returns ``out``."""
    write_split(load_dataset(source, seed=seed, counts=counts), out)
    return out


def imbalance_warning(counts: dict[str, dict[str, int]]) -> str:
    """A plain sentence when one class has far more training images than another, else ``""``."""
    train = counts.get("train", {})
    if len(train) < 2 or min(train.values()) == 0:
        return ""
    most = max(train, key=train.get)
    least = min(train, key=train.get)
    ratio = train[most] / train[least]
    if ratio < IMBALANCE_RATIO:
        return ""
    text = QCoreApplication.translate(
        "data_panel", "The classes are unbalanced: '%1' has %2× as many training images as '%3' (%4 vs %5). "
                      "Accuracy can look good by favouring '%1'; compare the per-class accuracies after training.")
    return i18n.fill(text, most, i18n.format_number(ratio, 1), least, i18n.format_number(train[most]),
                     i18n.format_number(train[least]))


class CountDelegate(QStyledItemDelegate):
    """A count with a bar whose length is its share of the largest count in the same column."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        share = index.data(VALUE_ROLE)
        if share is None:
            super().paint(painter, option, index)
            return
        painter.save()
        rect = option.rect.adjusted(4, 4, -4, -4)
        bar = QRect(rect)
        bar.setWidth(round(rect.width() * float(share)))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colours.count_bar(option.palette))
        painter.drawRect(bar)
        painter.setPen(colours.bar_text(option.palette))
        painter.drawText(rect.adjusted(6, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         index.data(Qt.ItemDataRole.DisplayRole))
        painter.restore()


class SplitDialog(QDialog):
    """Asks how many images per class go to train, validation and test, and where the copy goes."""

    def __init__(self, source: str, smallest_class: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Split into train / validation / test"))
        layout = QVBoxLayout(self)
        text = QLabel(self.tr("Makes a new folder with train/, validation/ and test/ (links to your photos, no copies "
                              "where the disk allows). The smallest class has %Ln images; counts are per class.",
                              "", smallest_class))
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        defaults = suggested_split_counts(smallest_class)
        self.spins = []
        titles = (self.tr("Training images per class:"), self.tr("Validation images per class:"),
                  self.tr("Test images per class:"))
        for title, value in zip(titles, defaults):
            spin = QSpinBox()
            spin.setRange(0, max(1, smallest_class))
            spin.setValue(max(0, value))
            form.addRow(title, spin)
            self.spins.append(spin)
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        form.addRow(self.tr("Shuffle seed:"), self.seed)
        row = QHBoxLayout()
        self.out = QLineEdit(str(Path(source).with_name(Path(source).name + "-split")))
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._on_browse_clicked)
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form.addRow(self.tr("New folder:"), row)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Make the &split"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def counts(self) -> tuple[int, int, int]:
        return tuple(spin.value() for spin in self.spins)

    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Parent folder for the split copy"))
        if folder:
            self.out.setText(str(Path(folder) / Path(self.out.text()).name))


class DataPanel(QWidget):
    """Choose a dataset folder and see what is in it.

    Signals
    -------
    dataset_loaded(object)
        A :class:`~catdog_gui.core.datasets.Dataset` has been scanned.
    dataset_failed(str)
        The chosen folder cannot be used; the message says why.
    """

    settings_group = "data"
    last_folder = Setting("")
    subset = Setting(EVERY_PHOTO_SUBSET)  # the photos to train on when the folder offers the lecture's subset

    dataset_loaded = Signal(object)
    dataset_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.dataset = None
        self._busy = False
        self._locked = False
        self._scan = TaskSlot(self)  # a folder chosen replaces the one before
        self._split = TaskSlot(self)
        self._build()
        self._show_empty()

    # ---- building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(page_header(
            self.tr("1  Your photos"),
            self.tr("Choose a folder of photos (or drop one on the window). It may hold train/, validation/ and "
                    "test/ folders, one folder per class, or files named like cat.12.jpg."),
        ))
        row = QHBoxLayout()
        self.choose_button = QPushButton(self.tr("&Choose folder…"))
        self.choose_button.setDefault(True)
        self.choose_button.clicked.connect(self._on_choose_clicked)
        row.addWidget(self.choose_button)
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.folder_label, 1)
        self.split_button = QPushButton(self.tr("Split into train/&validation/test…"))
        self.split_button.clicked.connect(self._on_split_clicked)
        row.addWidget(self.split_button)
        layout.addLayout(row)
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.imbalance = Banner()
        layout.addWidget(self.imbalance)
        self.layout_label = QLabel()
        self.layout_label.setWordWrap(True)
        layout.addWidget(self.layout_label)
        layout.addWidget(self._build_subset_choice())

        self.pages = QStackedWidget()
        self.empty_page = DropZone(self._empty_page_html())
        self.pages.addWidget(self.empty_page)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        counts_box = QGroupBox(self.tr("&Images per class"))  # Alt+I: to the table
        counts_layout = QVBoxLayout(counts_box)
        self.counts_table = QTableWidget()
        self.counts_table.setAccessibleName(self.tr("Images per class"))
        self.counts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts_table.setItemDelegate(CountDelegate(self.counts_table))
        self.counts_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.counts_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.counts_table.verticalHeader().setDefaultSectionSize(26)
        self.counts_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        counts_layout.addWidget(self.counts_table)
        self.counts_note = QLabel(self.tr("Bar length: share of the largest class in the same column."))
        mute(self.counts_note)
        counts_layout.addWidget(self.counts_note)
        self.set_aside_note = QLabel()
        self.set_aside_note.setWordWrap(True)
        self.set_aside_note.hide()
        counts_layout.addWidget(self.set_aside_note)
        left_layout.addWidget(counts_box, 0)
        self.skipped_box = QGroupBox(self.tr("Files left &out"))
        skipped_layout = QVBoxLayout(self.skipped_box)
        self.skipped_table = QTableWidget(0, 2)
        self.skipped_table.setAccessibleName(self.tr("Files left out"))
        self.skipped_table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Reason")])
        self.skipped_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.skipped_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.skipped_table.horizontalHeader().setStretchLastSection(True)
        self.skipped_table.verticalHeader().hide()
        self.skipped_table.setWordWrap(True)
        skipped_layout.addWidget(self.skipped_table)
        self.no_skipped = QLabel(self.tr("None: every file in the folder can be used."))
        mute(self.no_skipped)
        self.no_skipped.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.no_skipped.hide()
        skipped_layout.addWidget(self.no_skipped, 1)
        left_layout.addWidget(self.skipped_box, 1)
        splitter.addWidget(left)

        thumbs_box = QGroupBox(self.tr("Sample training &photos"))
        thumbs_layout = QVBoxLayout(thumbs_box)
        self.thumbnails = ThumbnailGrid(96)
        self.thumbnails.setAccessibleName(self.tr("Sample training photos"))
        thumbs_layout.addWidget(self.thumbnails)
        splitter.addWidget(thumbs_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([500, 500])
        self.pages.addWidget(splitter)
        self.content_page = splitter
        layout.addWidget(self.pages, 1)

    def _empty_page_html(self) -> str:
        """Before a folder is chosen: where to drop one, and the three layouts (folder names as they are)."""
        choose = self.choose_button.text().replace("&", "")
        return (
            "<p style='font-size:16pt'>"
            + i18n.fill(self.tr("Drop a folder of photos here, or click <b>%1</b>"), choose) + "</p>"
            "<p>" + self.tr("Any of these layouts works:") + "</p>"
            "<table align='center' cellspacing='12'><tr>"
            "<td><pre>photos/\n  train/\n    cats/\n    dogs/\n  validation/\n    …\n  test/\n    …</pre></td>"
            "<td><pre>photos/\n  cats/\n    a.jpg …\n  dogs/\n    b.jpg …</pre></td>"
            "<td><pre>photos/\n  cat.1.jpg\n  cat.2.jpg\n  dog.1.jpg\n  …</pre></td>"
            "</tr><tr><td>" + self.tr("split already") + "</td><td>" + self.tr("one folder per class") + "</td><td>"
            + self.tr("class in the file name") + "</td></tr></table>")

    def _build_subset_choice(self) -> QGroupBox:
        """Every photo, or the lecture's subset: shown when the folder has more photos than the subset."""
        self.subset_box = QGroupBox(self.tr("Photos to train on"))
        row = QHBoxLayout(self.subset_box)
        self.every_photo_button = QRadioButton(self.tr("Use &every photo"))
        self.lecture_subset_button = QRadioButton(self.tr("Use the &lecture's subset"))
        self.subset_buttons = QButtonGroup(self)
        for subset, button in ((EVERY_PHOTO_SUBSET, self.every_photo_button),
                               (LECTURE_SUBSET, self.lecture_subset_button)):
            self.subset_buttons.addButton(button, SUBSET_IDS[subset])
            row.addWidget(button)
        row.addStretch(1)
        # Clicks only: the buttons set from a loaded folder must not read it again.
        self.subset_buttons.idClicked.connect(self._on_subset_clicked)
        self.subset_box.hide()
        return self.subset_box

    # ---- actions

    def open_folder(self, folder: str | Path, seed: int = 0) -> None:
        """Scan ``folder`` in the background; ``dataset_loaded`` or ``dataset_failed`` follows."""
        folder = str(folder)
        if self._locked:
            self.banner.show_message(self.tr("The photos cannot change while a run trains on them; stop it first."),
                                     "info")
            return
        self.banner.hide()
        self.folder_label.setText(i18n.fill(self.tr("Reading %1 …"), folder))
        self._set_busy(True)
        self._scan.start(load, folder, seed, self.subset, name="scan dataset", returned=self._on_scan_returned,
                         errored=self._on_task_errored, finished=self._on_task_finished)

    def _on_choose_clicked(self) -> None:
        start = self.last_folder or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder of photos"), start)
        if folder:
            self.open_folder(folder)

    def _on_subset_clicked(self, button_id: int) -> None:
        subset = next(name for name, i in SUBSET_IDS.items() if i == button_id)
        if subset == self.subset and (self.dataset is None or self.dataset.subset == subset):
            return
        self.subset = subset
        if self.dataset is not None:
            self.open_folder(self.dataset.root)

    def _on_split_clicked(self) -> None:
        if self.dataset is None:
            return
        per_class = {}  # every usable photo: the split copy does not follow the subset
        for row in [*self.dataset.counts().values(), *self.dataset.unused_counts().values()]:
            for name, n in row.items():
                per_class[name] = per_class.get(name, 0) + n
        dialog = SplitDialog(self.dataset.root, min(per_class.values()), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.split_into(dialog.out.text(), dialog.counts(), dialog.seed.value())

    def split_into(self, out: str, counts: tuple[int, int, int], seed: int = 0) -> None:
        """Write a split copy of the current dataset to ``out`` (in the background), then open it."""
        if self.dataset is None:
            return
        self._set_busy(True)
        self.folder_label.setText(i18n.fill(self.tr("Writing the split to %1 …"), out))
        self._split.start(make_split, self.dataset.root, out, counts, seed, name="split dataset",
                          returned=self._on_split_returned, errored=self._on_task_errored,
                          finished=self._on_task_finished)

    # ---- results

    def _on_scan_returned(self, dataset) -> None:
        self.dataset = dataset
        self.last_folder = dataset.root
        self._show(dataset)
        self.dataset_loaded.emit(dataset)

    def _on_split_returned(self, out: str) -> None:
        self.open_folder(out)

    def _on_task_errored(self, error) -> None:
        message = describe_error(error)
        self.banner.show_message(message, "error")
        self.folder_label.setText(self.dataset.root if self.dataset else self.tr("No folder chosen yet."))
        if self.dataset is not None:
            self._show_subset_choice(self.dataset)  # the choice shown is the one still in use
        self.dataset_failed.emit(message)

    def _on_task_finished(self) -> None:
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        """Controls enabled while idle, disabled while scanning (and while a run trains: ``set_locked``)."""
        self._busy = busy
        locked = self._locked
        self.choose_button.setEnabled(not busy and not locked)
        self.split_button.setEnabled(not busy and not locked and self.dataset is not None
                                     and self.dataset.layout != LECTURE_LAYOUT)
        self.split_button.setVisible(self.dataset is not None and self.dataset.layout != LECTURE_LAYOUT)
        self.subset_box.setEnabled(not busy and not locked)

    def set_locked(self, locked: bool) -> None:
        """While a run trains, the dataset cannot change."""
        self._locked = locked
        self._set_busy(self._busy)

    @property
    def busy(self) -> bool:
        return self._busy

    # ---- showing

    def _show_empty(self) -> None:
        self.folder_label.setText(self.tr("No folder chosen yet."))
        self.layout_label.setText("")
        self.counts_table.clear()
        self.counts_table.setRowCount(0)
        self.counts_table.setColumnCount(0)
        self.skipped_box.setTitle(self.tr("Files left &out"))
        self.subset_box.hide()
        self.set_aside_note.hide()
        self.pages.setCurrentWidget(self.empty_page)
        self._set_busy(False)

    def _show(self, dataset) -> None:
        counts = dataset.counts()
        self.folder_label.setText(dataset.root)
        self.folder_label.setToolTip(dataset.root)
        total = sum(sum(row.values()) for row in counts.values())  # what a run on this folder uses
        aside = dataset.unused_total()
        self.layout_label.setText(self._layout_html(dataset, total, aside))
        warning = imbalance_warning(counts)
        if warning:
            self.imbalance.show_message(warning, "warning")
        else:
            self.imbalance.hide()
        self._show_subset_choice(dataset)
        self._fill_counts(dataset.classes, counts, dataset.unused_counts())
        self.set_aside_note.setText(set_aside_text(dataset))
        self.set_aside_note.setVisible(bool(aside))
        self._fill_skipped(dataset.skipped)
        self._show_samples(dataset)
        self.pages.setCurrentWidget(self.content_page)
        self._set_busy(False)

    def _layout_html(self, dataset, total: int, aside: int) -> str:
        """The folder's layout, the photos used and the classes; the photos set aside, if any."""
        layout_text = i18n.fill(_translate(LAYOUT_TEXT[dataset.layout]), fractions_text(DEFAULT_FRACTIONS))
        # Two classes at least, so never a single photo or class: no plural forms needed.
        text = (i18n.fill(self.tr("<b>Layout:</b> %1."), layout_text) + "<br>"
                + i18n.fill(self.tr("<b>%1</b> usable images in <b>%2</b> classes: %3."), i18n.format_number(total),
                            i18n.format_number(len(dataset.classes)), ", ".join(dataset.classes)))
        if aside:
            text += " " + self.tr("<b>%Ln</b> more are set aside (see below).", "", aside)
        return text

    def _show_subset_choice(self, dataset) -> None:
        offered = subset_offered(dataset)
        self.subset_box.setVisible(offered)
        if offered:
            every, lecture = subset_choice_texts(dataset)
            self.every_photo_button.setText(every)
            self.lecture_subset_button.setText(lecture)
            self.subset_buttons.button(SUBSET_IDS[dataset.subset]).setChecked(True)

    def _fill_counts(self, classes: list[str], counts: dict[str, dict[str, int]],
                     unused: dict[str, dict[str, int]] | None = None) -> None:
        """Photos used per split and class, with those set aside in brackets; set-aside photos of a
        folder not split yet belong to no split and show in the All column only."""
        unused = unused or {}
        splits = [s for s in ("train", "validation", "test") if s in counts]
        table = self.counts_table
        table.clear()
        table.setRowCount(len(classes) + 1)
        table.setColumnCount(len(splits) + 1)
        table.setHorizontalHeaderLabels([_translate(SPLIT_TITLES[s]) for s in splits] + [_translate(ALL_TITLE)])
        table.setVerticalHeaderLabels(list(classes) + [self.tr("Total")])
        self._count_columns, self._count_rows = [*splits, "all"], list(classes)
        columns = [[counts[s][c] for c in classes] for s in splits]
        columns.append([sum(counts[s][c] for s in splits) for c in classes])
        aside = [[unused.get(s, {}).get(c, 0) for c in classes] for s in splits]
        aside.append([sum(row.get(c, 0) for row in unused.values()) for c in classes])
        for column, (values, set_aside) in enumerate(zip(columns, aside)):
            top = max(values) or 1
            for row, (value, extra) in enumerate(zip(values, set_aside)):
                item = _count_item(value, extra)
                item.setData(VALUE_ROLE, value / top)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
            total = _count_item(sum(values), sum(set_aside))
            # Columns with "(+N set aside)" as wide as their text; the others share the rest.
            mode = QHeaderView.ResizeMode.ResizeToContents if any(set_aside) else QHeaderView.ResizeMode.Stretch
            table.horizontalHeader().setSectionResizeMode(column, mode)
            font = total.font()
            font.setBold(True)
            total.setFont(font)
            total.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(len(classes), column, total)
        # As tall as its rows (up to a dozen classes), so the files left out get the rest of the height.
        rows = min(table.rowCount(), 12)
        table.setFixedHeight(table.horizontalHeader().height() + rows * table.verticalHeader().defaultSectionSize()
                             + 2 * table.frameWidth() + 2)

    def count_of(self, split: str, class_name: str) -> int:
        """The count shown for ``class_name`` in ``split`` (``"all"``: the All column)."""
        return self._count_cell(split, class_name).data(COUNT_ROLE)

    def set_aside_of(self, split: str, class_name: str) -> int:
        """The photos shown as set aside for ``class_name`` in ``split`` (``"all"``: the All column)."""
        return self._count_cell(split, class_name).data(SET_ASIDE_ROLE)

    def _count_cell(self, split: str, class_name: str) -> QTableWidgetItem:
        return self.counts_table.item(self._count_rows.index(class_name), self._count_columns.index(split))

    def add_skipped(self, root: str, skipped) -> None:
        """List files that a run on this folder could not use: damaged files are found only when a run
        decodes them, after the folder was scanned."""
        if self.dataset is None or Path(root) != Path(self.dataset.root):
            return
        known = {item.path for item in self.dataset.skipped}
        found = [item for item in skipped if item.path not in known]
        if found:
            self.dataset.skipped.extend(found)
            self._fill_skipped(self.dataset.skipped)

    def _fill_skipped(self, skipped) -> None:
        self.skipped_box.setTitle(i18n.fill(self.tr("Files left &out (%1)"), i18n.format_number(len(skipped)))
                                  if skipped else self.tr("Files left &out"))
        self.skipped_table.setVisible(bool(skipped))
        self.no_skipped.setVisible(not skipped)
        table = self.skipped_table
        table.setRowCount(len(skipped))
        root = Path(self.dataset.root) if self.dataset else None
        for row, item in enumerate(skipped):
            path = Path(item.path)
            shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
            cell = QTableWidgetItem(shown)
            cell.setToolTip(item.path)
            table.setItem(row, 0, cell)
            reason = QTableWidgetItem(skip_reason_text(item.reason))
            reason.setToolTip(reason.text())
            table.setItem(row, 1, reason)
        table.resizeColumnToContents(0)
        table.setColumnWidth(0, min(table.columnWidth(0), 260))
        if len(skipped) <= 500:  # whole reasons on wrapped lines (measuring thousands of rows takes a while)
            table.resizeRowsToContents()

    def _show_samples(self, dataset) -> None:
        split = dataset.splits.get("train") or next(iter(dataset.splits.values()))
        by_class: dict[int, list[str]] = {}
        for sample in split:
            by_class.setdefault(sample.label, []).append(sample.path)
        paths, captions = [], []
        for i in range(SAMPLES_PER_CLASS):  # interleaved, so every class shows at the top
            for label in sorted(by_class):
                if i < len(by_class[label]):
                    paths.append(by_class[label][i])
                    captions.append(dataset.classes[label])
        self.thumbnails.show_images(paths, captions)


def _count_item(used: int, set_aside: int) -> QTableWidgetItem:
    """A cell of the counts table: the photos used, and those set aside in brackets; the numbers are
    kept as item data (``COUNT_ROLE``, ``SET_ASIDE_ROLE``), the text is for reading."""
    text = i18n.format_number(used)
    if set_aside:
        text = i18n.fill(QCoreApplication.translate("data_panel", "%1 (+%2 set aside)"), text,
                         i18n.format_number(set_aside))
    item = QTableWidgetItem(text)
    item.setData(COUNT_ROLE, used)
    item.setData(SET_ASIDE_ROLE, set_aside)
    return item
