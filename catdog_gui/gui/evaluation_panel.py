"""Step 4, evaluation: test accuracy, balanced accuracy, recall and precision per class, a confusion
matrix whose cells show their photos, and the most confident mistakes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
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

from .settings import Setting
from .widgets import (
    COLOUR_ROLE,
    VALUE_ROLE,
    Banner,
    ProbabilityDelegate,
    ThumbnailGrid,
    bold,
    describe_error,
    format_percent,
    page_header,
    plural,
)
from .worker import BACKGROUND_NICE, CancelToken, GeneratorWorker

MISTAKES_SHOWN = 40
CELL_IMAGES_SHOWN = 300
TTA_TEXT = "Also ask about the mirror image (test-time augmentation)"
TTA_TOOLTIP = ("The model also sees each photo mirrored left-right, and the two answers' probabilities are "
               "averaged: usually as accurate or a little more, but slower, since the model looks at every "
               "photo twice. The model itself is unchanged.")


@dataclass(frozen=True)
class EvaluationResult:
    evaluation: object  # catdog_gui.core.evaluation.Evaluation
    model_path: str
    data: str
    split: str  # which photos: "test", "validation", or "folder" for a folder of class folders
    device: str


def evaluate_job(model_path: str, data: str, seed: int = 0, whole_folder: bool = False,
                 cancel: CancelToken | None = None, subset: str = "all", tta: bool = False) -> EvaluationResult:
    """Evaluate a model file on a dataset's test split (its validation split if it has no test photos),
    or on every photo of a labelled folder (runs in a worker; ``cancel`` stops it between chunks).
    ``seed`` and ``subset`` are the run's, so the split is the one it was trained with; ``tta`` asks
    with test-time augmentation."""
    from ..core.datasets import load_dataset
    from ..core.evaluation import evaluate, evaluate_samples
    from ..core.prediction import Predictor

    progress = cancel.check if cancel is not None else None
    predictor = Predictor(model_path, tta=tta)
    if whole_folder:
        return EvaluationResult(evaluate(predictor, data, progress), model_path, data, "folder",
                                predictor.describe_device())
    dataset = load_dataset(data, seed=seed, subset=subset)
    split = "test" if dataset.splits.get("test") else "validation"
    samples = [(s.path, dataset.classes[s.label]) for s in dataset.splits[split]]
    result = evaluate_samples(predictor, samples, [], progress, data, dataset.classes)
    return EvaluationResult(result, model_path, data, split, predictor.describe_device())


class MatrixDelegate(QStyledItemDelegate):
    """Cells keep their colour; the chosen one (``chosen``, set by the panel) gets a frame."""

    chosen: tuple[int, int] | None = None

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        if self.chosen == (index.row(), index.column()):
            painter.save()
            painter.setPen(QPen(QColor("#174ea6"), 4))
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
        self._worker: GeneratorWorker | None = None
        self._model_path = None
        self._request: tuple | None = None  # the last evaluation asked for, to repeat when TTA is switched
        self._build()
        self._set_busy(False)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(page_header(
            "4  How good is it?",
            "The model is measured on test photos it never saw while learning. Click a cell of the table "
            "to see the photos in it.",
        ))
        row = QHBoxLayout()
        self.source_label = QLabel("Train a model (step 3) or open one to see how it does.")
        self.source_label.setWordWrap(True)
        row.addWidget(self.source_label, 1)
        self.folder_button = QPushButton("Evaluate on another folder…")
        self.folder_button.setToolTip("A folder with one subfolder of photos per class, or with test/ inside")
        self.folder_button.clicked.connect(self._on_folder_clicked)
        row.addWidget(self.folder_button)
        layout.addLayout(row)
        self.tta_box = QCheckBox(TTA_TEXT)
        self.tta_box.setToolTip(TTA_TOOLTIP + " Switching it evaluates again.")
        self.tta_box.toggled.connect(self._on_tta_toggled)
        layout.addWidget(self.tta_box)
        self.banner = Banner()
        layout.addWidget(self.banner)

        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        summary = QGroupBox("Accuracy")
        summary_layout = QVBoxLayout(summary)
        self.accuracy_label = bold(QLabel("–"), 2.0)
        summary_layout.addWidget(self.accuracy_label)
        self.accuracy_detail = QLabel("")
        self.accuracy_detail.setWordWrap(True)
        summary_layout.addWidget(self.accuracy_detail)
        self.per_class = QTableWidget(0, 3)
        self.per_class.setHorizontalHeaderLabels(["Class", "Recognised (recall)", "Precision"])
        self.per_class.horizontalHeaderItem(1).setToolTip("Of the photos of this class, the share the model "
                                                          "recognised: its accuracy on the class")
        self.per_class.horizontalHeaderItem(2).setToolTip("Of the photos the model called this class, the share "
                                                          "that are; 0 when it never chose the class")
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
        explanation = QLabel("Balanced accuracy: the mean of the classes' recall, so that a large class cannot "
                             "hide a poor small one. A class far below the others needs more or better photos.")
        explanation.setToolTip("Accuracy: the share of photos the model classified correctly. Recall: the share "
                               "of a class's photos it recognised. Precision: of the photos it called that class, "
                               "the share that are.")
        explanation.setWordWrap(True)
        explanation.setStyleSheet("color: #555;")
        summary_layout.addWidget(explanation)
        summary_layout.addStretch(1)
        top_layout.addWidget(summary, 2)

        matrix_box = QGroupBox("Confusion matrix: rows are the true class, columns what the model said")
        matrix_layout = QVBoxLayout(matrix_box)
        self.matrix = QTableWidget()
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.matrix.setFocusPolicy(Qt.FocusPolicy.NoFocus)
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
        self.cell_box = QGroupBox("Photos in the chosen cell")
        cell_layout = QVBoxLayout(self.cell_box)
        self.cell_gallery = ThumbnailGrid(88, placeholder="Click a cell of the confusion matrix to see its photos.")
        cell_layout.addWidget(self.cell_gallery)
        bottom_layout.addWidget(self.cell_box, 1)
        self.mistakes_box = QGroupBox("Most confident mistakes")
        mistakes_layout = QVBoxLayout(self.mistakes_box)
        self.mistakes_gallery = ThumbnailGrid(88, placeholder="No mistakes on these photos.")
        mistakes_layout.addWidget(self.mistakes_gallery)
        bottom_layout.addWidget(self.mistakes_box, 1)
        splitter.addWidget(bottom)
        splitter.setSizes([330, 370])
        layout.addWidget(splitter, 1)

    # ---- running

    def evaluate(self, model_path: str, data: str, seed: int = 0, whole_folder: bool = False,
                 subset: str = "all") -> None:
        """Evaluate ``model_path`` on ``data`` in the background (a newer request replaces an older one),
        with test-time augmentation when :attr:`tta` is set."""
        self._model_path = model_path
        self._request = (model_path, data, seed, whole_folder, subset)
        self.banner.hide()
        mirrored = " (each photo also mirrored)" if self.tta else ""
        self.source_label.setText(f"Evaluating {Path(model_path).name} on {data}{mirrored} …")
        if self._worker is not None:
            self._worker.quit()  # superseded: its result would be dropped anyway
        token = CancelToken()
        worker = GeneratorWorker(evaluate_job, model_path, data, seed, whole_folder, token, controller=token,
                                 name="evaluation", nice=BACKGROUND_NICE, subset=subset, tta=self.tta)
        worker.returned.connect(self._on_returned)
        worker.errored.connect(self._on_errored)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self._set_busy(True)
        worker.start()

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
        return self._worker is not None

    def _set_busy(self, busy: bool) -> None:
        self.folder_button.setEnabled(not busy and self._model_path is not None)

    def _on_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of labelled photos (one subfolder per class)")
        if folder and self._model_path:
            self.evaluate(self._model_path, folder, whole_folder=True)

    def _on_returned(self, result: EvaluationResult) -> None:
        if self.sender() is not self._worker:
            return  # superseded by a newer evaluation
        self.show_result(result)

    def _on_errored(self, error) -> None:
        if self.sender() is not self._worker:
            return
        self.banner.show_message(f"The evaluation failed: {describe_error(error)}", "error")
        self.source_label.setText("No evaluation to show.")

    def _on_finished(self) -> None:
        if self.sender() is self._worker:
            self._worker = None
            self._set_busy(False)

    # ---- showing

    def show_result(self, result: EvaluationResult) -> None:
        self.result = result
        ev = result.evaluation
        total = sum(map(sum, ev.confusion_matrix))
        right = sum(ev.confusion_matrix[i][i] for i in range(len(ev.classes)))
        which = {"test": "test photos", "validation": "validation photos (this dataset has no test photos)",
                 "folder": "photos of the folder"}[result.split]
        mirrored = ", each also seen mirrored" if ev.tta else ""
        self.source_label.setText(f"Model {result.model_path}<br>measured on the {which} of {result.data} "
                                  f"(on {result.device}{mirrored}).")
        self.source_label.setTextFormat(Qt.TextFormat.RichText)
        title = {"test": "Test accuracy", "validation": "Validation accuracy"}.get(result.split, "Accuracy")
        self.accuracy_label.setText(f"{title}: {format_percent(ev.accuracy)}")
        skipped = f" {plural(len(ev.skipped), 'photo')} could not be read." if ev.skipped else ""
        self.accuracy_detail.setText(f"{right} of {total} photos classified correctly. Balanced accuracy: "
                                     f"{format_percent(ev.balanced_accuracy)}.{skipped}")
        self.per_class.setRowCount(len(ev.classes))
        # Up to 10 rows without scrolling, but never fewer than 3 when the window is short of room (a fixed
        # height made the table overlap the text under it).
        frame = self.per_class.horizontalHeader().height() + 2 * self.per_class.frameWidth() + 2
        self.per_class.setMaximumHeight(frame + 26 * min(len(ev.classes), 10))
        self.per_class.setMinimumHeight(frame + 26 * min(len(ev.classes), 3))
        precision = ev.precision
        for row, name in enumerate(ev.classes):
            self.per_class.setItem(row, 0, QTableWidgetItem(name))
            for column, value in ((1, ev.per_class.get(name)), (2, precision[name])):
                item = QTableWidgetItem("" if value is None else format_percent(value))
                if value is not None:
                    item.setData(VALUE_ROLE, value)
                    item.setData(COLOUR_ROLE, _accuracy_colour(value))
                self.per_class.setItem(row, column, item)
        self._fill_matrix(ev)
        self._fill_mistakes(ev)
        cell = self._first_mistake_cell(ev)
        if cell is None:
            self.cell_gallery.show_images([])
            self.cell_box.setTitle("Photos in the chosen cell: click a cell above")
        else:
            self.show_cell(*cell)
        self.evaluated.emit(result)

    def _fill_matrix(self, ev) -> None:
        n = len(ev.classes)
        matrix = self.matrix
        matrix.clear()
        matrix.setRowCount(n)
        matrix.setColumnCount(n)
        matrix.setHorizontalHeaderLabels([f"said {name}" for name in ev.classes])
        matrix.setVerticalHeaderLabels([f"is {name}" for name in ev.classes])
        for i in range(n):
            row_total = sum(ev.confusion_matrix[i]) or 1
            for j in range(n):
                count = ev.confusion_matrix[i][j]
                share = count / row_total
                item = QTableWidgetItem(f"{count}\n{format_percent(share, 0)}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                base = QColor("#2e7d32") if i == j else QColor("#c62828")
                colour = QColor(base)
                colour.setAlphaF(0.08 + 0.6 * share)
                item.setBackground(QBrush(colour))
                item.setToolTip(f"{count} photos of {ev.classes[i]} the model called {ev.classes[j]}; "
                                "click to see them")
                font = item.font()
                font.setPointSizeF(font.pointSizeF() * 1.2)
                font.setBold(True)
                item.setFont(font)
                matrix.setItem(i, j, item)

    def _fill_mistakes(self, ev) -> None:
        shown = ev.misclassified[:MISTAKES_SHOWN]
        self.mistakes_box.setTitle(f"Most confident mistakes ({len(ev.misclassified)} in all)"
                                   if ev.misclassified else "Most confident mistakes: none")
        captions = [f"{m['true']} → {m['predicted']}\n{format_percent(m['probability'], 0)} sure" for m in shown]
        tooltips = [f"{m['path']}\nis {m['true']}, the model said {m['predicted']} "
                    f"({format_percent(m['probability'])})" for m in shown]
        self.mistakes_gallery.show_images([m["path"] for m in shown], captions, tooltips)

    @staticmethod
    def _first_mistake_cell(ev):
        n = len(ev.classes)
        cells = [(ev.confusion_matrix[i][j], i, j) for i in range(n) for j in range(n) if i != j]
        best = max(cells, default=(0, 0, 0))
        return (best[1], best[2]) if best[0] else None

    def _on_cell_clicked(self, row: int, column: int) -> None:
        self.show_cell(row, column)

    def show_cell(self, row: int, column: int) -> None:
        """Show the photos of class ``row`` that the model called ``column``."""
        if self.result is None:
            return
        ev = self.result.evaluation
        paths = ev.paths_by_cell.get((row, column), [])
        truth, said = ev.classes[row], ev.classes[column]
        what = f"{truth} the model called {said}" if row != column else f"{truth} recognised as {truth}"
        more = f", first {CELL_IMAGES_SHOWN} shown" if len(paths) > CELL_IMAGES_SHOWN else ""
        self.cell_box.setTitle(f"Photos of {what} ({len(paths)}{more})")
        self.matrix_delegate.chosen = (row, column)
        self.matrix.viewport().update()
        self.cell_gallery.show_images(paths[:CELL_IMAGES_SHOWN], [Path(p).name for p in paths[:CELL_IMAGES_SHOWN]])
        self.shown_cell = (row, column)


def _accuracy_colour(value: float) -> str:
    return "#66bb6a" if value >= 0.9 else "#ffb74d" if value >= 0.7 else "#e57373"
