"""Step 4, evaluation: test accuracy, balanced accuracy, recall and precision per class, a confusion
matrix whose cells show their photos, and the most confident mistakes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import core
from ..core.datasets import load_dataset
from ..core.names import EVERY_PHOTO_SUBSET
from . import colours, i18n
from .accessible import confusion_cell_name, percent_words
from .settings import Setting
from .widgets import (
    COLOUR_ROLE,
    VALUE_ROLE,
    Banner,
    ProbabilityDelegate,
    ThumbnailGrid,
    bold,
    describe_error,
    mute,
    page_header,
)
from .training_panel import DEVICES, core_text
from .worker import BACKGROUND_NICE, CancelToken, TaskSlot

MISTAKES_SHOWN = 40
CELL_IMAGES_SHOWN = 300
# The test-time augmentation switch, here and in step 5: shown through tta_text() and tta_tooltip().
TTA_TEXT = QT_TRANSLATE_NOOP("EvaluationPanel", "Also ask about the &mirror image (test-time augmentation)")
TTA_TOOLTIP = QT_TRANSLATE_NOOP(
    "EvaluationPanel", "The model also sees each photo mirrored left-right, and the two answers' probabilities "
    "are averaged: usually as accurate or a little more, but slower, since the model looks at every photo twice. "
    "The model itself is unchanged.")


def tta_text() -> str:
    """The test-time augmentation switch's text, in the window's language."""
    return QCoreApplication.translate("EvaluationPanel", TTA_TEXT)


def tta_tooltip() -> str:
    """What test-time augmentation does, in the window's language."""
    return QCoreApplication.translate("EvaluationPanel", TTA_TOOLTIP)


@dataclass(frozen=True)
class EvaluationResult:
    evaluation: object  # catdog_gui.core.evaluation.Evaluation
    model_path: str
    data: str
    split: str  # which photos: "test", "validation", or "folder" for a folder of class folders
    device: str


def evaluate_job(model_path: str, data: str, seed: int = 0, whole_folder: bool = False,
                 cancel: CancelToken | None = None, subset: str = EVERY_PHOTO_SUBSET,
                 tta: bool = False) -> EvaluationResult:
    """Evaluate a model file on a dataset's test split (its validation split if it has no test photos),
    or on every photo of a labelled folder (runs in a worker; ``cancel`` stops it between chunks).
    ``seed`` and ``subset`` are the run's, so the split is the one it was trained with; ``tta`` asks
    with test-time augmentation."""
    progress = cancel.check if cancel is not None else None
    predictor = core.prediction.Predictor(model_path, tta=tta)
    if whole_folder:
        return EvaluationResult(core.evaluation.evaluate(predictor, data, progress), model_path, data, "folder",
                                predictor.describe_device())
    dataset = load_dataset(data, seed=seed, subset=subset)
    split = "test" if dataset.splits.get("test") else "validation"
    samples = [(s.path, dataset.classes[s.label]) for s in dataset.splits[split]]
    result = core.evaluation.evaluate_samples(predictor, samples, [], progress, data, dataset.classes)
    return EvaluationResult(result, model_path, data, split, predictor.describe_device())


class MatrixDelegate(QStyledItemDelegate):
    """Cells tinted by their share of the row (``VALUE_ROLE``), green on the diagonal and red off it, in
    the colours of the table's palette; the chosen one (``chosen``, set by the panel) gets a frame."""

    chosen: tuple[int, int] | None = None

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        share = index.data(VALUE_ROLE)
        if share is not None:
            fill = colours.matrix_cell(option.palette, index.row() == index.column(), float(share))
            option.backgroundBrush = QBrush(fill)
            option.palette.setColor(QPalette.ColorRole.Text, colours.bar_text(option.palette))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        if self.chosen == (index.row(), index.column()):
            painter.save()
            painter.setPen(QPen(colours.accent_text(option.palette), 4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(option.rect.adjusted(2, 2, -2, -2))
            painter.restore()


class EvaluationPanel(QWidget):
    """Shows how a model does on photos it was not trained on.

    Signals
    -------
    evaluated(object)
        An :class:`EvaluationResult` is shown.
    """

    settings_group = "evaluation"
    tta = Setting(False)  # ask with test-time augmentation

    evaluated = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.result: EvaluationResult | None = None
        self._evaluations = TaskSlot(self)  # a newer request replaces an older one
        self._model_path = None
        self._request: tuple | None = None  # the last evaluation asked for, to repeat when TTA is switched
        self.shown_cell: tuple[int, int] | None = None  # the confusion-matrix cell whose photos are shown
        self._build()
        self._set_busy(False)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(page_header(
            self.tr("4  How good is it?"),
            self.tr("The model is measured on test photos it never saw while learning. Click a cell of the table "
                    "to see the photos in it."),
        ))
        row = QHBoxLayout()
        self.source_label = QLabel(self.tr("Train a model (step 3) or open one to see how it does."))
        self.source_label.setWordWrap(True)
        row.addWidget(self.source_label, 1)
        self.folder_button = QPushButton(self.tr("&Evaluate on another folder…"))
        self.folder_button.setToolTip(self.tr("A folder with one subfolder of photos per class, or with test/ inside"))
        self.folder_button.clicked.connect(self._on_folder_clicked)
        row.addWidget(self.folder_button)
        layout.addLayout(row)
        self.tta_box = QCheckBox(tta_text())
        self.tta_box.setToolTip(i18n.fill(self.tr("%1 Switching it evaluates again."), tta_tooltip()))
        self.tta_box.toggled.connect(self._on_tta_toggled)
        layout.addWidget(self.tta_box)
        self.banner = Banner()
        layout.addWidget(self.banner)

        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        summary = QGroupBox(self.tr("&Accuracy"))  # Alt+A: to its table
        summary_layout = QVBoxLayout(summary)
        self.accuracy_label = bold(QLabel("–"), 2.0)
        summary_layout.addWidget(self.accuracy_label)
        self.accuracy_detail = QLabel("")
        self.accuracy_detail.setWordWrap(True)
        summary_layout.addWidget(self.accuracy_detail)
        self.per_class = QTableWidget(0, 3)
        self.per_class.setAccessibleName(self.tr("Accuracy per class"))
        self.per_class.setHorizontalHeaderLabels([self.tr("Class"), self.tr("Recognised (recall)"),
                                                  self.tr("Precision")])
        self.per_class.horizontalHeaderItem(1).setToolTip(self.tr("Of the photos of this class, the share the model "
                                                                  "recognised: its accuracy on the class"))
        self.per_class.horizontalHeaderItem(2).setToolTip(self.tr("Of the photos the model called this class, the "
                                                                  "share that are; 0 when it never chose the class"))
        self.per_class.verticalHeader().hide()
        self.per_class.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.per_class.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for column in (1, 2):
            self.per_class.setItemDelegateForColumn(column, ProbabilityDelegate(self.per_class))
            self.per_class.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.per_class.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.per_class.verticalHeader().setDefaultSectionSize(26)
        summary_layout.addWidget(self.per_class)
        # Short, so that it fits under the table at any window size; the columns' tooltips say more.
        explanation = QLabel(self.tr("Balanced accuracy: the mean of the classes' recall, so that a large class "
                                     "cannot hide a poor small one. A class far below the others needs more or "
                                     "better photos."))
        explanation.setToolTip(self.tr("Accuracy: the share of photos the model classified correctly. Recall: the "
                                       "share of a class's photos it recognised. Precision: of the photos it called "
                                       "that class, the share that are."))
        explanation.setWordWrap(True)
        mute(explanation)
        summary_layout.addWidget(explanation)
        summary_layout.addStretch(1)
        top_layout.addWidget(summary, 2)

        matrix_box = QGroupBox(self.tr("&Confusion matrix: rows are the true class, columns what the model said"))
        matrix_layout = QVBoxLayout(matrix_box)
        self.matrix = QTableWidget()
        self.matrix.setAccessibleName(self.tr("Confusion matrix"))
        self.matrix.setAccessibleDescription(self.tr("Rows are the true class, columns what the model said. Move "
                                                     "between the cells with the arrow keys to see their photos."))
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # Focus, so that the arrow keys choose cells as clicks do (the current cell is the one shown).
        self.matrix.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.matrix.currentCellChanged.connect(self._on_matrix_current_cell_changed)
        self.matrix.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.matrix.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.matrix.setMinimumHeight(140)
        self.matrix_delegate = MatrixDelegate(self.matrix)
        self.matrix.setItemDelegate(self.matrix_delegate)
        self.matrix.cellClicked.connect(self._on_cell_clicked)
        matrix_layout.addWidget(self.matrix)
        top_layout.addWidget(matrix_box, 3)
        splitter.addWidget(top)

        bottom = QWidget()
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        self.cell_box = QGroupBox(self.tr("Photos in the chosen cell"))
        cell_layout = QVBoxLayout(self.cell_box)
        self.cell_gallery = ThumbnailGrid(88, placeholder=self.tr("Click a cell of the confusion matrix to see its "
                                                                  "photos."))
        self.cell_gallery.setAccessibleName(self.tr("Photos in the chosen cell"))
        cell_layout.addWidget(self.cell_gallery)
        bottom_layout.addWidget(self.cell_box, 1)
        self.mistakes_box = QGroupBox(self.tr("Most confident mistakes"))
        mistakes_layout = QVBoxLayout(self.mistakes_box)
        self.mistakes_gallery = ThumbnailGrid(88, placeholder=self.tr("No mistakes on these photos."))
        self.mistakes_gallery.setAccessibleName(self.tr("Most confident mistakes"))
        mistakes_layout.addWidget(self.mistakes_gallery)
        bottom_layout.addWidget(self.mistakes_box, 1)
        splitter.addWidget(bottom)
        splitter.setSizes([330, 370])
        layout.addWidget(splitter, 1)

    # ---- running

    def evaluate(self, model_path: str, data: str, seed: int = 0, whole_folder: bool = False,
                 subset: str = EVERY_PHOTO_SUBSET) -> None:
        """Evaluate ``model_path`` on ``data`` in the background (a newer request replaces an older one),
        with test-time augmentation when :attr:`tta` is set."""
        self._model_path = model_path
        self._request = (model_path, data, seed, whole_folder, subset)
        self.banner.hide()
        evaluating = (self.tr("Evaluating %1 on %2 (each photo also mirrored) …") if self.tta else
                      self.tr("Evaluating %1 on %2 …"))
        self.source_label.setText(i18n.fill(evaluating, Path(model_path).name, data))
        token = CancelToken()
        self._evaluations.start(evaluate_job, model_path, data, seed, whole_folder, token, controller=token,
                                name="evaluation", nice=BACKGROUND_NICE, subset=subset, tta=self.tta,
                                returned=self._on_evaluation_returned, errored=self._on_evaluation_errored,
                                finished=self._on_evaluation_finished)
        self._set_busy(True)

    def _on_tta_toggled(self, checked: bool) -> None:
        if checked == self.tta:
            return  # the box shown as the setting says (see showEvent)
        self.tta = checked
        if self._request is not None:
            self.evaluate(*self._request)

    def showEvent(self, event) -> None:
        # The setting is restored after the box is built: show its value.
        self.tta_box.setChecked(self.tta)
        super().showEvent(event)

    def set_model(self, model_path: str | None) -> None:
        """The model that 'Evaluate on another folder' measures."""
        self._model_path = model_path
        self._set_busy(self.busy)

    @property
    def busy(self) -> bool:
        return self._evaluations.busy

    def _set_busy(self, busy: bool) -> None:
        self.folder_button.setEnabled(not busy and self._model_path is not None)

    def _on_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder of labelled photos (one subfolder per "
                                                                "class)"))
        if folder and self._model_path:
            self.evaluate(self._model_path, folder, whole_folder=True)

    def _on_evaluation_returned(self, result: EvaluationResult) -> None:
        self.show_result(result)

    def _on_evaluation_errored(self, error) -> None:
        self.banner.show_message(i18n.fill(self.tr("The evaluation failed: %1"), describe_error(error)), "error")
        self.source_label.setText(self.tr("No evaluation to show."))

    def _on_evaluation_finished(self) -> None:
        self._set_busy(False)

    # ---- showing

    def show_result(self, result: EvaluationResult) -> None:
        self.result = result
        ev = result.evaluation
        self.source_label.setText(self._source_text(result))
        self.source_label.setTextFormat(Qt.TextFormat.RichText)
        self.accuracy_label.setText(self._accuracy_text(result))
        self.accuracy_detail.setText(self._detail_text(ev))
        self._fill_per_class(ev)
        self._fill_matrix(ev)
        self._fill_mistakes(ev)
        cell = self._first_mistake_cell(ev)
        if cell is None:
            self.shown_cell = None
            self.cell_gallery.show_images([])
            self.cell_box.setTitle(self.tr("Photos in the chosen cell: click a cell above"))
        else:
            self.show_cell(*cell)
        self.evaluated.emit(result)

    def _source_text(self, result: EvaluationResult) -> str:
        """Which model, measured on which photos, where (rich text)."""
        which = {"test": self.tr("Model %1<br>measured on the test photos of %2 (on %3)."),
                 "validation": self.tr("Model %1<br>measured on the validation photos (this dataset has no test "
                                       "photos) of %2 (on %3)."),
                 "folder": self.tr("Model %1<br>measured on the photos of the folder %2 (on %3).")}[result.split]
        device = core_text(result.device, DEVICES)  # "CPU (2 threads)" in the window's language
        if result.evaluation.tta:
            device = i18n.fill(self.tr("%1, each photo also seen mirrored"), device)
        return i18n.fill(which, result.model_path, result.data, device)

    def _accuracy_text(self, result: EvaluationResult) -> str:
        title = {"test": self.tr("Test accuracy: %1"),
                 "validation": self.tr("Validation accuracy: %1")}.get(result.split, self.tr("Accuracy: %1"))
        return i18n.fill(title, i18n.format_percent(result.evaluation.accuracy, 1))

    def _detail_text(self, ev) -> str:
        total = sum(map(sum, ev.confusion_matrix))
        right = sum(ev.confusion_matrix[i][i] for i in range(len(ev.classes)))
        text = i18n.fill(self.tr("%1 of %2 photos classified correctly. Balanced accuracy: %3."),
                         i18n.format_number(right), i18n.format_number(total),
                         i18n.format_percent(ev.balanced_accuracy, 1))
        if ev.skipped:
            text += " " + self.tr("%n photo(s) could not be read.", "", len(ev.skipped))
        return text

    def _fill_per_class(self, ev) -> None:
        """Each class's recall and precision, as bars that screen readers read out."""
        self.per_class.setRowCount(len(ev.classes))
        # Up to 10 rows without scrolling, but never fewer than 3 when the window is short of room (a fixed
        # height made the table overlap the text under it).
        frame = self.per_class.horizontalHeader().height() + 2 * self.per_class.frameWidth() + 2
        self.per_class.setMaximumHeight(frame + 26 * min(len(ev.classes), 10))
        self.per_class.setMinimumHeight(frame + 26 * min(len(ev.classes), 3))
        precision = ev.precision
        spoken = {1: self.tr("%1, recognised %2"), 2: self.tr("%1, precision %2")}  # the bars, read out
        for row, name in enumerate(ev.classes):
            self.per_class.setItem(row, 0, QTableWidgetItem(name))
            recall, precise = ev.per_class.get(name), precision[name]
            for column, value in ((1, recall), (2, precise)):
                item = QTableWidgetItem("" if value is None else i18n.format_percent(value, 1))
                if value is not None:
                    item.setData(VALUE_ROLE, value)
                    item.setData(COLOUR_ROLE, accuracy_grade(value))
                    item.setData(Qt.ItemDataRole.AccessibleTextRole,
                                 i18n.fill(spoken[column], name, percent_words(value)))
                self.per_class.setItem(row, column, item)

    def _fill_matrix(self, ev) -> None:
        n = len(ev.classes)
        matrix = self.matrix
        matrix.clear()
        matrix.setRowCount(n)
        matrix.setColumnCount(n)
        matrix.setHorizontalHeaderLabels([i18n.fill(self.tr("said %1", "a column: what the model said"), name)
                                          for name in ev.classes])
        matrix.setVerticalHeaderLabels([i18n.fill(self.tr("is %1", "a row: the true class"), name)
                                        for name in ev.classes])
        for i in range(n):
            row_total = sum(ev.confusion_matrix[i]) or 1
            for j in range(n):
                count = ev.confusion_matrix[i][j]
                share = count / row_total
                item = QTableWidgetItem(f"{i18n.format_number(count)}\n{i18n.format_percent(share)}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setData(VALUE_ROLE, share)  # its tint, painted by MatrixDelegate
                item.setToolTip(i18n.fill(self.tr("%n photo(s) of %1 the model called %2; click to see them", "",
                                                  count), ev.classes[i], ev.classes[j]))
                item.setData(Qt.ItemDataRole.AccessibleTextRole, confusion_cell_name(ev.classes[i], ev.classes[j], count))
                item.setData(Qt.ItemDataRole.AccessibleDescriptionRole,
                             i18n.fill(self.tr("%1 of the photos of %2"), percent_words(share), ev.classes[i]))
                font = item.font()
                font.setPointSizeF(font.pointSizeF() * 1.2)
                font.setBold(True)
                item.setFont(font)
                matrix.setItem(i, j, item)

    def _fill_mistakes(self, ev) -> None:
        shown = ev.misclassified[:MISTAKES_SHOWN]
        self.mistakes_box.setTitle(
            i18n.fill(self.tr("Most confident mistakes (%1 in all)"), i18n.format_number(len(ev.misclassified)))
            if ev.misclassified else self.tr("Most confident mistakes: none"))
        caption, tooltip = self.tr("%1 → %2\n%3 sure"), self.tr("%1\nis %2, the model said %3 (%4)")
        spoken_text = self.tr("%1, is %2, the model said %3, %4 sure")
        captions = [i18n.fill(caption, m["true"], m["predicted"], i18n.format_percent(m["probability"]))
                    for m in shown]
        tooltips = [i18n.fill(tooltip, m["path"], m["true"], m["predicted"], i18n.format_percent(m["probability"], 1))
                    for m in shown]
        spoken = [i18n.fill(spoken_text, Path(m["path"]).name, m["true"], m["predicted"],
                            percent_words(m["probability"])) for m in shown]
        self.mistakes_gallery.show_images([m["path"] for m in shown], captions, tooltips, spoken)

    @staticmethod
    def _first_mistake_cell(ev):
        n = len(ev.classes)
        cells = [(ev.confusion_matrix[i][j], i, j) for i in range(n) for j in range(n) if i != j]
        best = max(cells, default=(0, 0, 0))
        return (best[1], best[2]) if best[0] else None

    def _on_cell_clicked(self, row: int, column: int) -> None:
        # A click's press made the cell current, which has shown it already (unless it was current before).
        if self.shown_cell != (row, column):
            self.show_cell(row, column)

    def _on_matrix_current_cell_changed(self, row: int, column: int, *_) -> None:
        # The arrow keys (or tabbing in) moved to a cell: show it, as a click would.
        if row >= 0 and column >= 0 and self.shown_cell != (row, column):
            self.show_cell(row, column)

    def show_cell(self, row: int, column: int) -> None:
        """Show the photos of class ``row`` that the model called ``column``."""
        if self.result is None:
            return
        ev = self.result.evaluation
        paths = ev.paths_by_cell.get((row, column), [])
        truth, said = ev.classes[row], ev.classes[column]
        title = self.tr("Photos of %1 the model called %2 (%3)") if row != column else \
            self.tr("Photos of %1 recognised as %2 (%3)")
        count = i18n.format_number(len(paths))
        if len(paths) > CELL_IMAGES_SHOWN:
            count = i18n.fill(self.tr("%1, first %2 shown"), count, i18n.format_number(CELL_IMAGES_SHOWN))
        self.cell_box.setTitle(i18n.fill(title, truth, said, count))
        self.matrix_delegate.chosen = (row, column)
        self.matrix.viewport().update()
        self.shown_cell = (row, column)
        self.matrix.setCurrentCell(row, column)  # where the arrow keys go on from
        shown = paths[:CELL_IMAGES_SHOWN]
        spoken_text = self.tr("%1, is %2, the model said %3")
        spoken = [i18n.fill(spoken_text, Path(p).name, truth, said) for p in shown]
        self.cell_gallery.show_images(shown, [Path(p).name for p in shown], spoken=spoken)


def accuracy_grade(value: float) -> str:
    """How a class's recall or precision is coloured: "good", "fair" or "poor" (see colours.bar_fill)."""
    return "good" if value >= 0.9 else "fair" if value >= 0.7 else "poor"
