"""Step 5, predicting: drop photos or folders, get each one's class and a probability bar."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import core
from . import i18n
from .accessible import probability_name
from .data_panel import skip_reason_text
from .evaluation_panel import tta_text, tta_tooltip
from .settings import Setting
from .training_panel import DEVICES, core_text
from .widgets import (
    COLOUR_ROLE,
    PATH_ROLE,
    VALUE_ROLE,
    Banner,
    DropZone,
    ProbabilityDelegate,
    describe_error,
    page_header,
    thumbnail_image,
)
from .worker import TaskSlot

THUMB = 64
CHUNK = 32
# Rows past this many get no thumbnail: a folder of 100,000 photos would otherwise hold 1.6 GB of them.
MAX_THUMBNAILS = 2000
IMAGE_FILTER = QT_TRANSLATE_NOOP("PredictorPanel", "Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff);;"
                                                  "All files (*)")
# The accuracies a model file keeps (core/training.py writes them into its metadata), by their key there.
METRIC_NAMES = {
    "val_accuracy": QT_TRANSLATE_NOOP("PredictorPanel", "validation accuracy %1"),
    "test_accuracy": QT_TRANSLATE_NOOP("PredictorPanel", "test accuracy %1"),
}


def load_predictor(model_path: str):
    """A :class:`~catdog_gui.core.prediction.Predictor` for the model file (runs in a worker)."""
    return core.prediction.Predictor(model_path)


def metric_text(key: str, value: float) -> str:
    """An accuracy a model file keeps (``val_accuracy``), named in the window's language."""
    name = METRIC_NAMES.get(key)
    text = QCoreApplication.translate("PredictorPanel", name) if name else key.replace("_", " ") + " %1"
    return i18n.fill(text, i18n.format_percent(value, 1))


def predict_job(predictor, paths: list[str], thumb: int = THUMB, ratio: float = 1.0):
    """Classify ``paths`` (files and folders) chunk by chunk: yields ``("rows", [(Prediction, QImage)])``
    and ``("skipped", [Skipped])`` (runs in a worker; the model stays on its device). Thumbnails are
    ``thumb`` logical pixels at ``ratio`` device pixels each (the table's devicePixelRatio)."""
    files, skipped = core.prediction.expand_paths(paths)
    if skipped:
        yield "skipped", skipped
    for start in range(0, len(files), CHUNK):
        predictions, bad = predictor.predict_paths(files[start:start + CHUNK])
        yield "rows", [(p, thumbnail_image(p.path, thumb, ratio) if start + i < MAX_THUMBNAILS else None)
                       for i, p in enumerate(predictions)]
        if bad:
            yield "skipped", bad


class PredictorPanel(QWidget):
    """Classify photos with a model: dropped, or opened.

    Signals
    -------
    model_loaded(str)
        A model file is loaded and ready (its path).
    predicted(int)
        A batch of photos was classified; the table now has this many rows.
    predictions_finished()
        Every photo asked for so far has been classified (or skipped).
    """

    settings_group = "predictor"
    model_file = Setting("")
    last_folder = Setting("")
    tta = Setting(False)  # ask with test-time augmentation

    model_loaded = Signal(str)
    predicted = Signal(int)
    predictions_finished = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.predictor = None
        self._model_load = TaskSlot(self)
        self._photos = TaskSlot(self)  # one batch of photos at a time, dropped when the model or TTA changes
        self._queue: list[list[str]] = []
        self._asked: list[list[str]] = []  # every request since the table was cleared, to repeat when TTA is switched
        self.skipped = []
        self._results = []
        self.setAcceptDrops(True)
        self._build()
        self._set_busy(False)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(page_header(
            self.tr("5  Classify new photos"),
            self.tr("Drag photos or whole folders onto this page, or add them with the buttons. Each photo gets the "
                    "class the model sees and how sure it is."),
        ))
        row = QHBoxLayout()
        self.open_model_button = QPushButton(self.tr("&Open model…"))
        self.open_model_button.clicked.connect(self._on_open_model_clicked)
        self.add_files_button = QPushButton(self.tr("Add &photos…"))
        self.add_files_button.clicked.connect(self._on_add_files_clicked)
        self.add_folder_button = QPushButton(self.tr("Add a fol&der…"))
        self.add_folder_button.clicked.connect(self._on_add_folder_clicked)
        self.save_button = QPushButton(self.tr("Sa&ve as CSV…"))
        self.save_button.clicked.connect(self._on_save_clicked)
        self.clear_button = QPushButton(self.tr("&Clear"))
        self.clear_button.clicked.connect(self._on_clear_clicked)
        for button in (self.open_model_button, self.add_files_button, self.add_folder_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        row.addWidget(self.clear_button)
        layout.addLayout(row)
        self.model_label = QLabel(self._no_model_text())
        self.model_label.setWordWrap(True)
        layout.addWidget(self.model_label)
        self.tta_box = QCheckBox(tta_text())
        self.tta_box.setToolTip(i18n.fill(self.tr("%1 Switching it classifies the photos shown again.",
                                                  "%1 says what the switch does"), tta_tooltip()))
        self.tta_box.toggled.connect(self._on_tta_toggled)
        layout.addWidget(self.tta_box)
        self.banner = Banner()
        layout.addWidget(self.banner)

        self.stack = QStackedWidget()
        self.drop_hint = DropZone(self.tr("Drop photos or folders here"))
        font = self.drop_hint.font()
        font.setPointSize(18)
        self.drop_hint.setFont(font)
        self.stack.addWidget(self.drop_hint)
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName(self.tr("Classified photos"))
        self.table.setHorizontalHeaderLabels([self.tr("Photo"), self.tr("Class"), self.tr("Probability"),
                                              self.tr("Folder")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setIconSize(QSize(THUMB, THUMB))
        self.table.verticalHeader().setDefaultSectionSize(THUMB + 8)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(2, ProbabilityDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 300)
        self.table.setColumnWidth(2, 220)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)
        self.summary_label = QLabel("")
        layout.addWidget(self.summary_label)

    def _no_model_text(self) -> str:
        return self.tr("No model yet: train one (step 3) or open a saved model file.")

    # ---- the model

    def open_model(self, model_path: str) -> None:
        """Load a model file in the background; ``model_loaded`` follows (or a message says why not)."""
        model_path = str(model_path)
        self.banner.hide()
        self.model_label.setText(i18n.fill(self.tr("Loading %1 …"), model_path))
        self._model_load.start(load_predictor, model_path, name="load model", returned=self._on_model_returned,
                               errored=self._on_model_errored, finished=self._on_model_finished)
        self._photos.drop()  # photos of the previous model: no longer wanted
        self._set_busy(True)

    def _on_model_returned(self, predictor) -> None:
        self.predictor = predictor
        self.model_file = predictor.model_path
        self.model_label.setText(self._model_text(predictor))
        self.clear()
        self.model_loaded.emit(predictor.model_path)

    def _model_text(self, predictor) -> str:
        """The model loaded: its file, classes, strategy, base network, image size, accuracies and device."""
        info = predictor.info
        metrics = [metric_text(key, value) for key, value in info.metrics.items() if isinstance(value, (int, float))]
        parts = [i18n.fill(self.tr("<b>Classes:</b> %1"), ", ".join(info.classes)),
                 i18n.fill(self.tr("%1 on %2, %3 px", "a model's strategy, base network and image size"),
                           info.recipe or self.tr("model"), info.backbone, info.image_size),
                 *metrics,
                 i18n.fill(self.tr("runs on %1", "the device"), core_text(predictor.describe_device(), DEVICES))]
        return i18n.fill(self.tr("<b>Model:</b> %1"), predictor.model_path) + "<br>" + " · ".join(parts)

    def _on_model_errored(self, error) -> None:
        self.banner.show_message(i18n.fill(self.tr("This model cannot be used: %1"), describe_error(error)), "error")
        self.model_label.setText(i18n.fill(self.tr("<b>Model:</b> %1"), self.predictor.model_path) if self.predictor
                                 else self._no_model_text())
        self._queue.clear()

    def _on_model_finished(self) -> None:
        self._set_busy(self._photos.busy)
        self._start_next()

    # ---- photos

    def add_paths(self, paths) -> None:
        """Classify these files and folders (after the ones already waiting)."""
        paths = [str(p) for p in paths]
        if not paths:
            return
        self._queue.append(paths)
        self._asked.append(paths)
        if self.predictor is None and not self._model_load.busy:
            self.banner.show_message(self.tr("There is no model yet: train one (step 3) or open a model file; the "
                                             "photos will be classified then."), "info")
            return
        self._start_next()

    def _start_next(self) -> None:
        if self.busy or not self._queue or self.predictor is None:
            return
        paths = self._queue.pop(0)
        # Set in this thread before the job starts; a superseded job still running is ignored (see TaskSlot).
        self.predictor.tta = self.tta
        self._photos.start(predict_job, self.predictor, paths, ratio=self.table.devicePixelRatioF(), name="prediction",
                           yielded=self._on_photos_yielded, errored=self._on_photos_errored,
                           finished=self._on_photos_finished)
        self._set_busy(True)
        self.summary_label.setText(self.tr("Classifying…"))

    def _on_photos_yielded(self, message) -> None:
        kind, payload = message
        if kind == "rows":
            for prediction, image in payload:
                self._add_row(prediction, image)
            self.stack.setCurrentWidget(self.table)
            self.predicted.emit(self.table.rowCount())
        elif kind == "skipped":
            self.skipped.extend(payload)
            self._show_skipped()

    def _add_row(self, prediction, image) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        path = Path(prediction.path)
        name = QTableWidgetItem(path.name)
        name.setData(PATH_ROLE, prediction.path)
        name.setToolTip(prediction.path)
        if image is not None and not image.isNull():
            name.setIcon(QIcon(QPixmap.fromImage(image)))
        self.table.setItem(row, 0, name)
        label = QTableWidgetItem(prediction.label)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        self.table.setItem(row, 1, label)
        probability = QTableWidgetItem(i18n.format_percent(prediction.probability, 1))
        probability.setData(VALUE_ROLE, prediction.probability)
        classes = self.predictor.classes if self.predictor else [prediction.label]
        index = classes.index(prediction.label) if prediction.label in classes else 0
        probability.setData(COLOUR_ROLE, index)  # the class's bar colour, from the palette when painted
        probability.setToolTip("\n".join(f"{k}: {i18n.format_percent(v, 1)}"
                                         for k, v in prediction.probabilities.items()))
        probability.setData(Qt.ItemDataRole.AccessibleTextRole,  # the bar, read out
                            probability_name(prediction.label, prediction.probability))
        probability.setData(Qt.ItemDataRole.AccessibleDescriptionRole,
                            "; ".join(probability_name(k, v) for k, v in prediction.probabilities.items()))
        self.table.setItem(row, 2, probability)
        folder = QTableWidgetItem(str(path.parent))
        folder.setToolTip(str(path.parent))
        self.table.setItem(row, 3, folder)
        self.results.append(prediction)

    def _on_photos_errored(self, error) -> None:
        self.banner.show_message(i18n.fill(self.tr("Classifying failed: %1"), describe_error(error)), "error")

    def _on_photos_finished(self) -> None:
        self._set_busy(False)
        self._show_summary()
        self.predictions_finished.emit()
        self._start_next()

    def _show_summary(self) -> None:
        parts = []
        if self.results:
            counts = Counter(p.label for p in self.results)
            classes = ", ".join(f"{i18n.format_number(n)} {label}" for label, n in counts.most_common())
            parts.append(i18n.fill(self.tr("%n photo(s): %1", "", len(self.results)), classes))
        elif self.skipped:
            parts.append(self.tr("Nothing to classify."))
        if self.skipped:
            parts.append(self.tr("%n file(s) skipped", "", len(self.skipped)))
        if self.results and self.tta:
            parts.append(self.tr("each also seen mirrored"))
        self.summary_label.setText(" · ".join(parts))

    def _show_skipped(self) -> None:
        shown = "; ".join(f"{Path(s.path).name} ({skip_reason_text(s.reason)})" for s in self.skipped[:5])
        if len(self.skipped) > 5:
            shown = i18n.fill(self.tr("%1 and %n more", "", len(self.skipped) - 5), shown)
        self.banner.show_message(i18n.fill(self.tr("Skipped %n file(s): %1.", "", len(self.skipped)), shown),
                                 "warning")

    @property
    def results(self) -> list:
        """The predictions shown, in table order."""
        return self._results

    def _on_tta_toggled(self, checked: bool) -> None:
        if checked == self.tta:
            return  # the box shown as the setting says (see showEvent)
        self.tta = checked
        again = self._asked
        self._photos.drop()  # its results would mix both ways of asking
        self.clear()
        self._queue = list(again)
        self._asked = list(again)
        self._start_next()

    def showEvent(self, event) -> None:
        # The setting is restored after the box is built: show its value.
        self.tta_box.setChecked(self.tta)
        super().showEvent(event)

    def clear(self) -> None:
        """Remove every result (the model stays)."""
        self._asked = list(self._queue)  # still to come
        self.table.setRowCount(0)
        self._results = []
        self.skipped = []
        self.summary_label.setText("")
        self.banner.hide()
        self.stack.setCurrentWidget(self.drop_hint)
        self._set_busy(self.busy)

    @property
    def has_model(self) -> bool:
        """A model is loaded or being loaded: photos added now are classified without asking for one."""
        return self.predictor is not None or self._model_load.busy

    @property
    def busy(self) -> bool:
        return self._photos.busy or self._model_load.busy

    def _set_busy(self, busy: bool) -> None:
        self.open_model_button.setEnabled(True)
        has_model = self.predictor is not None
        self.add_files_button.setEnabled(has_model)
        self.add_folder_button.setEnabled(has_model)
        self.save_button.setEnabled(not busy and bool(self.results))
        self.clear_button.setEnabled(not busy and bool(self.results or self.skipped))

    def save_csv(self, path: str | Path) -> Path:
        """Write every result: path, class, probability, and each class's probability."""
        path = Path(path)
        classes = self.predictor.classes if self.predictor else []
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["path", "label", "probability"] + [f"p_{c}" for c in classes])
            for p in self.results:
                writer.writerow([p.path, p.label, f"{p.probability:.6f}"]
                                + [f"{p.probabilities.get(c, 0.0):.6f}" for c in classes])
        return path

    # ---- buttons and drops

    def _on_open_model_clicked(self) -> None:
        start = str(Path(self.model_file).parent) if self.model_file else ""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a model file"), start,
                                              self.tr("Models (*.safetensors);;All files (*)"))
        if path:
            self.open_model(path)

    def _on_add_files_clicked(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Photos to classify"), self.last_folder,
                                                QCoreApplication.translate("PredictorPanel", IMAGE_FILTER))
        if paths:
            self.last_folder = str(Path(paths[0]).parent)
            self.add_paths(paths)

    def _on_add_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("A folder of photos to classify"), self.last_folder)
        if folder:
            self.last_folder = folder
            self.add_paths([folder])

    def _on_clear_clicked(self) -> None:
        self.clear()

    def _on_save_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the results"), "predictions.csv", "CSV (*.csv)")
        if path:
            try:
                self.save_csv(path)
            except OSError as error:
                self.banner.show_message(i18n.fill(self.tr("Could not save %1: %2"), path, error.strerror or error),
                                         "error")
            else:
                self.banner.show_message(i18n.fill(self.tr("Saved %n result(s) to %1.", "", len(self.results)), path),
                                         "success")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_paths(paths)


def local_paths(mime) -> list[str]:
    """The local files and folders in a drag's data (web links and the like are left out)."""
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if isinstance(url, QUrl) and url.isLocalFile()]
