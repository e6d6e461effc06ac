"""Step 1, the data: choose a folder, see its layout, class counts, sample photos and skipped files."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter
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

from .settings import Setting
from .widgets import VALUE_ROLE, Banner, ThumbnailGrid, describe_error, page_header
from .worker import GeneratorWorker

LAYOUT_TEXT = {
    "lecture": "train / validation / test folders, one folder per class inside each (the lecture's layout)",
    "class-folders": "one folder per class, not split yet: it is split {fractions} for each class when "
                     "training (or make a split copy now)",
    "flat": "a flat folder whose file names start with the class (cat.12.jpg): labels come from the names; it "
            "is split {fractions} for each class when training (or make a split copy now)",
}
SAMPLES_PER_CLASS = 12
IMBALANCE_RATIO = 1.5
SPLIT_TITLES = {"train": "Training", "validation": "Validation", "test": "Test"}
ALL_TITLE = "All"
SUBSET_IDS = {"all": 0, "lecture": 1}  # the radio buttons' ids in their group
_SET_ASIDE = re.compile(r"\(\+(\d+) set aside\)")


def load(folder: str, seed: int = 0, subset: str = "all"):
    """Scan ``folder`` (runs in a worker): the :class:`~catdog_gui.core.datasets.Dataset`.

    The lecture's subset is used when ``subset`` asks for it and the folder offers it; a folder too
    small for it, or no bigger than it, uses every photo (``Dataset.subset`` says which was used).
    """
    from ..core.datasets import load_dataset, subset_offered
    from ..core.errors import DataError

    if subset == "lecture":  # read the folder once when the subset can be used (the usual case)
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
    from ..core.datasets import LECTURE_COUNTS, subset_sizes

    sizes = subset_sizes(dataset)
    train, validation, test = LECTURE_COUNTS
    return (f"Use every photo ({sizes['all']})",
            f"Use the lecture's subset: {train}/{validation}/{test} per class ({sizes['lecture']} photos)")


def set_aside_text(dataset) -> str:
    """Under the counts table: how many photos are set aside and why, else ``""``."""
    from ..core.datasets import UNSPLIT

    total = dataset.unused_total()
    if not total:
        return ""
    where = (" The folder is not split yet, so they are counted in the All column only."
             if UNSPLIT in dataset.unused else "")
    return (f"{total} photos are {dataset.unused_reason}.{where} Choose “Use every photo” above to "
            "train on them too.")


def make_split(source: str, out: str, counts: tuple[int, int, int], seed: int) -> str:
    """Write a lecture-layout copy of ``source`` (hard links where possible) to ``out``; returns ``out``."""
    from ..core.datasets import load_dataset, write_split

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
    return (f"The classes are unbalanced: '{most}' has {ratio:.1f}× as many training images as '{least}' "
            f"({train[most]} vs {train[least]}). Accuracy can look good by favouring '{most}'; compare the "
            "per-class accuracies after training.")


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
        painter.setBrush(QColor("#cfe2f3"))
        painter.drawRect(bar)
        painter.setPen(QColor("#111111"))
        painter.drawText(rect.adjusted(6, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         index.data(Qt.ItemDataRole.DisplayRole))
        painter.restore()


class SplitDialog(QDialog):
    """Asks how many images per class go to train, validation and test, and where the copy goes."""

    def __init__(self, source: str, smallest_class: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Split into train / validation / test")
        layout = QVBoxLayout(self)
        text = QLabel(
            f"Makes a new folder with train/, validation/ and test/ (links to your photos, no copies where the "
            f"disk allows). The smallest class has {smallest_class} images; counts are per class."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        lecture = smallest_class >= 2000
        defaults = (1000, 500, 500) if lecture else (
            smallest_class - 2 * round(smallest_class * 0.15), round(smallest_class * 0.15), round(smallest_class * 0.15))
        self.spins = []
        for name, value in zip(("Training", "Validation", "Test"), defaults):
            spin = QSpinBox()
            spin.setRange(0, max(1, smallest_class))
            spin.setValue(max(0, value))
            form.addRow(f"{name} images per class:", spin)
            self.spins.append(spin)
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        form.addRow("Shuffle seed:", self.seed)
        row = QHBoxLayout()
        self.out = QLineEdit(str(Path(source).with_name(Path(source).name + "-split")))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form.addRow("New folder:", row)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Make the split")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def counts(self) -> tuple[int, int, int]:
        return tuple(spin.value() for spin in self.spins)

    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Parent folder for the split copy")
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
    subset = Setting("all")  # the photos to train on when the folder offers the lecture's subset

    dataset_loaded = Signal(object)
    dataset_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.dataset = None
        self._busy = False
        self._locked = False
        self._worker: GeneratorWorker | None = None
        self._split_worker: GeneratorWorker | None = None
        self._build()
        self._show_empty()

    # ---- building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(page_header(
            "1  Your photos",
            "Choose a folder of photos (or drop one on the window). It may hold train/, validation/ and test/ "
            "folders, one folder per class, or files named like cat.12.jpg.",
        ))
        row = QHBoxLayout()
        self.choose_button = QPushButton("Choose folder…")
        self.choose_button.setDefault(True)
        self.choose_button.clicked.connect(self._on_choose_clicked)
        row.addWidget(self.choose_button)
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.folder_label, 1)
        self.split_button = QPushButton("Split into train/validation/test…")
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
        self.empty_page = QLabel(
            "<p style='font-size:16pt'>Drop a folder of photos here, or click <b>Choose folder…</b></p>"
            "<p>Any of these layouts works:</p>"
            "<table align='center' cellspacing='12'><tr>"
            "<td><pre>photos/\n  train/\n    cats/\n    dogs/\n  validation/\n    …\n  test/\n    …</pre></td>"
            "<td><pre>photos/\n  cats/\n    a.jpg …\n  dogs/\n    b.jpg …</pre></td>"
            "<td><pre>photos/\n  cat.1.jpg\n  cat.2.jpg\n  dog.1.jpg\n  …</pre></td>"
            "</tr><tr><td>split already</td><td>one folder per class</td><td>class in the file name</td></tr>"
            "</table>")
        self.empty_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_page.setStyleSheet(
            "QLabel { border: 2px dashed #9aa7b5; border-radius: 10px; color: #4a5560; }")
        self.pages.addWidget(self.empty_page)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        counts_box = QGroupBox("Images per class")
        counts_layout = QVBoxLayout(counts_box)
        self.counts_table = QTableWidget()
        self.counts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts_table.setItemDelegate(CountDelegate(self.counts_table))
        self.counts_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.counts_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.counts_table.verticalHeader().setDefaultSectionSize(26)
        self.counts_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        counts_layout.addWidget(self.counts_table)
        self.counts_note = QLabel("Bar length: share of the largest class in the same column.")
        self.counts_note.setStyleSheet("color: #555;")
        counts_layout.addWidget(self.counts_note)
        self.set_aside_note = QLabel()
        self.set_aside_note.setWordWrap(True)
        self.set_aside_note.hide()
        counts_layout.addWidget(self.set_aside_note)
        left_layout.addWidget(counts_box, 0)
        self.skipped_box = QGroupBox("Files left out")
        skipped_layout = QVBoxLayout(self.skipped_box)
        self.skipped_table = QTableWidget(0, 2)
        self.skipped_table.setHorizontalHeaderLabels(["File", "Reason"])
        self.skipped_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.skipped_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.skipped_table.horizontalHeader().setStretchLastSection(True)
        self.skipped_table.verticalHeader().hide()
        self.skipped_table.setWordWrap(True)
        skipped_layout.addWidget(self.skipped_table)
        self.no_skipped = QLabel("None: every file in the folder can be used.")
        self.no_skipped.setStyleSheet("color: #555;")
        self.no_skipped.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.no_skipped.hide()
        skipped_layout.addWidget(self.no_skipped, 1)
        left_layout.addWidget(self.skipped_box, 1)
        splitter.addWidget(left)

        thumbs_box = QGroupBox("Sample training photos")
        thumbs_layout = QVBoxLayout(thumbs_box)
        self.thumbnails = ThumbnailGrid(96)
        thumbs_layout.addWidget(self.thumbnails)
        splitter.addWidget(thumbs_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([500, 500])
        self.pages.addWidget(splitter)
        self.content_page = splitter
        layout.addWidget(self.pages, 1)

    def _build_subset_choice(self) -> QGroupBox:
        """Every photo, or the lecture's subset: shown when the folder has more photos than the subset."""
        self.subset_box = QGroupBox("Photos to train on")
        row = QHBoxLayout(self.subset_box)
        self.every_photo_button = QRadioButton("Use every photo")
        self.lecture_subset_button = QRadioButton("Use the lecture's subset")
        self.subset_buttons = QButtonGroup(self)
        for subset, button in (("all", self.every_photo_button), ("lecture", self.lecture_subset_button)):
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
            self.banner.show_message("The photos cannot change while a run trains on them; stop it first.", "info")
            return
        self.banner.hide()
        self.folder_label.setText(f"Reading {folder} …")
        self._set_busy(True)
        worker = GeneratorWorker(load, folder, seed, self.subset, name="scan dataset")
        worker.returned.connect(self._on_returned)
        worker.errored.connect(self._on_errored)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        worker.start()

    def _on_choose_clicked(self) -> None:
        start = self.last_folder or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder of photos", start)
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
        self.folder_label.setText(f"Writing the split to {out} …")
        worker = GeneratorWorker(make_split, self.dataset.root, out, counts, seed, name="split dataset")
        worker.returned.connect(self._on_split_returned)
        worker.errored.connect(self._on_errored)
        worker.finished.connect(self._on_finished)
        self._split_worker = worker
        worker.start()

    # ---- results

    def _on_returned(self, dataset) -> None:
        if self.sender() is not self._worker:
            return  # a folder chosen before the current one
        self.dataset = dataset
        self.last_folder = dataset.root
        self._show(dataset)
        self.dataset_loaded.emit(dataset)

    def _on_split_returned(self, out: str) -> None:
        if self.sender() is not self._split_worker:
            return
        self.open_folder(out)

    def _on_errored(self, error) -> None:
        if self.sender() not in (self._worker, self._split_worker):
            return
        message = describe_error(error)
        self.banner.show_message(message, "error")
        self.folder_label.setText(self.dataset.root if self.dataset else "No folder chosen yet.")
        if self.dataset is not None:
            self._show_subset_choice(self.dataset)  # the choice shown is the one still in use
        self.dataset_failed.emit(message)

    def _on_finished(self) -> None:
        if self.sender() in (self._worker, self._split_worker):
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        """Controls enabled while idle, disabled while scanning (and while a run trains: ``set_locked``)."""
        self._busy = busy
        locked = self._locked
        self.choose_button.setEnabled(not busy and not locked)
        self.split_button.setEnabled(not busy and not locked and self.dataset is not None
                                     and self.dataset.layout != "lecture")
        self.split_button.setVisible(self.dataset is not None and self.dataset.layout != "lecture")
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
        self.folder_label.setText("No folder chosen yet.")
        self.layout_label.setText("")
        self.counts_table.clear()
        self.counts_table.setRowCount(0)
        self.counts_table.setColumnCount(0)
        self.skipped_box.setTitle("Files left out")
        self.subset_box.hide()
        self.set_aside_note.hide()
        self.pages.setCurrentWidget(self.empty_page)
        self._set_busy(False)

    def _show(self, dataset) -> None:
        counts = dataset.counts()
        self.folder_label.setText(dataset.root)
        self.folder_label.setToolTip(dataset.root)
        total = sum(sum(row.values()) for row in counts.values())  # what a run on this folder uses
        fractions = "70 / 15 / 15 %"
        layout_text = LAYOUT_TEXT[dataset.layout].format(fractions=fractions)
        aside = dataset.unused_total()
        self.layout_label.setText(
            f"<b>Layout:</b> {layout_text}.<br><b>{total}</b> usable images in <b>{len(dataset.classes)}</b> "
            f"classes: {', '.join(dataset.classes)}."
            + (f" <b>{aside}</b> more are set aside (see below)." if aside else "")
        )
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

    def _show_subset_choice(self, dataset) -> None:
        from ..core.datasets import subset_offered

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
        table.setHorizontalHeaderLabels([SPLIT_TITLES[s] for s in splits] + [ALL_TITLE])
        table.setVerticalHeaderLabels(list(classes) + ["Total"])
        columns = [[counts[s][c] for c in classes] for s in splits]
        columns.append([sum(counts[s][c] for s in splits) for c in classes])
        aside = [[unused.get(s, {}).get(c, 0) for c in classes] for s in splits]
        aside.append([sum(row.get(c, 0) for row in unused.values()) for c in classes])
        for column, (values, set_aside) in enumerate(zip(columns, aside)):
            top = max(values) or 1
            for row, (value, extra) in enumerate(zip(values, set_aside)):
                item = QTableWidgetItem(_count_text(value, extra))
                item.setData(VALUE_ROLE, value / top)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
            total = QTableWidgetItem(_count_text(sum(values), sum(set_aside)))
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
        """The count shown for ``class_name`` in ``split`` (what the user sees in the table)."""
        return int(self._count_item(split, class_name).text().split()[0])

    def set_aside_of(self, split: str, class_name: str) -> int:
        """The photos shown as set aside for ``class_name`` in ``split`` (``"all"``: the All column)."""
        found = _SET_ASIDE.search(self._count_item(split, class_name).text())
        return int(found.group(1)) if found else 0

    def _count_item(self, split: str, class_name: str) -> QTableWidgetItem:
        table = self.counts_table
        titles = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        rows = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
        title = ALL_TITLE if split == "all" else SPLIT_TITLES.get(split, split)
        return table.item(rows.index(class_name), titles.index(title))

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
        self.skipped_box.setTitle(f"Files left out ({len(skipped)})" if skipped else "Files left out")
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
            reason = QTableWidgetItem(item.reason)
            reason.setToolTip(item.reason)
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


def _count_text(used: int, set_aside: int) -> str:
    return f"{used} (+{set_aside} set aside)" if set_aside else str(used)
