"""Step 5, predicting: drop photos or folders, get each one's class and a probability bar."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFrame,
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

from .evaluation_panel import TTA_TEXT, TTA_TOOLTIP
from .settings import Setting
from .widgets import (
    COLOUR_ROLE,
    PATH_ROLE,
    VALUE_ROLE,
    Banner,
    ProbabilityDelegate,
    describe_error,
    format_percent,
    page_header,
    plural,
    thumbnail_image,
)
from .worker import GeneratorWorker

THUMB = 64
CHUNK = 32
# Rows past this many get no thumbnail: a folder of 100,000 photos would otherwise hold 1.6 GB of them.
MAX_THUMBNAILS = 2000
CLASS_COLOURS = ("#4c9be8", "#f39c4a", "#5cb85c", "#d9534f", "#9b6fd0", "#8c6d4f", "#e377c2", "#7f7f7f")
IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff);;All files (*)"


def load_predictor(model_path: str):
    """A :class:`~catdog_gui.core.prediction.Predictor` for the model file (runs in a worker)."""
    from ..core.prediction import Predictor

    return Predictor(model_path)


def predict_job(predictor, paths: list[str], thumb: int = THUMB):
    """Classify ``paths`` (files and folders) chunk by chunk: yields ``("rows", [(Prediction, QImage)])``
    and ``("skipped", [Skipped])`` (runs in a worker; the model stays on its device)."""
    from ..core.prediction import expand_paths

    files, skipped = expand_paths(paths)
    if skipped:
        yield "skipped", skipped
    for start in range(0, len(files), CHUNK):
        predictions, bad = predictor.predict_paths(files[start:start + CHUNK])
        yield "rows", [(p, thumbnail_image(p.path, thumb) if start + i < MAX_THUMBNAILS else None)
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
        self._model_worker: GeneratorWorker | None = None
        self._worker: GeneratorWorker | None = None
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
            "5  Classify new photos",
            "Drag photos or whole folders onto this page, or add them with the buttons. Each photo gets the "
            "class the model sees and how sure it is.",
        ))
        row = QHBoxLayout()
        self.open_model_button = QPushButton("Open model…")
        self.open_model_button.clicked.connect(self._on_open_model_clicked)
        self.add_files_button = QPushButton("Add photos…")
        self.add_files_button.clicked.connect(self._on_add_files_clicked)
        self.add_folder_button = QPushButton("Add a folder…")
        self.add_folder_button.clicked.connect(self._on_add_folder_clicked)
        self.save_button = QPushButton("Save as CSV…")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self._on_clear_clicked)
        for button in (self.open_model_button, self.add_files_button, self.add_folder_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        row.addWidget(self.clear_button)
        layout.addLayout(row)
        self.model_label = QLabel("No model yet: train one (step 3) or open a saved model file.")
        self.model_label.setWordWrap(True)
        layout.addWidget(self.model_label)
        self.tta_box = QCheckBox(TTA_TEXT)
        self.tta_box.setToolTip(TTA_TOOLTIP + " Switching it classifies the photos shown again.")
        self.tta_box.toggled.connect(self._on_tta_toggled)
        layout.addWidget(self.tta_box)
        self.banner = Banner()
        layout.addWidget(self.banner)

        self.stack = QStackedWidget()
        self.drop_hint = QLabel("Drop photos or folders here")
        self.drop_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_hint.setFrameShape(QFrame.Shape.StyledPanel)
        self.drop_hint.setStyleSheet(
            "QLabel { border: 2px dashed #9aa7b5; border-radius: 10px; color: #6b7785; font-size: 18pt; }")
        self.stack.addWidget(self.drop_hint)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Photo", "Class", "Probability", "Folder"])
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

    # ---- the model

    def open_model(self, model_path: str) -> None:
        """Load a model file in the background; ``model_loaded`` follows (or a message says why not)."""
        model_path = str(model_path)
        self.banner.hide()
        self.model_label.setText(f"Loading {model_path} …")
        worker = GeneratorWorker(load_predictor, model_path, name="load model")
        worker.returned.connect(self._on_model_returned)
        worker.errored.connect(self._on_model_errored)
        worker.finished.connect(self._on_model_finished)
        self._model_worker = worker
        if self._worker is not None:  # photos of the previous model: no longer wanted
            self._worker.quit()
            self._worker = None
        self._set_busy(True)
        worker.start()

    def _on_model_returned(self, predictor) -> None:
        if self.sender() is not self._model_worker:
            return
        self.predictor = predictor
        self.model_file = predictor.model_path
        info = predictor.info
        metrics = ", ".join(f"{k.replace('_', ' ')} {format_percent(v)}" for k, v in info.metrics.items()
                            if isinstance(v, (int, float)))
        self.model_label.setText(
            f"<b>Model:</b> {predictor.model_path}<br><b>Classes:</b> {', '.join(info.classes)} · "
            f"{info.recipe or 'model'} on {info.backbone}, {info.image_size} px"
            + (f" · {metrics}" if metrics else "") + f" · runs on {predictor.describe_device()}")
        self.clear()
        self.model_loaded.emit(predictor.model_path)

    def _on_model_errored(self, error) -> None:
        if self.sender() is not self._model_worker:
            return
        self.banner.show_message(f"This model cannot be used: {describe_error(error)}", "error")
        self.model_label.setText(f"<b>Model:</b> {self.predictor.model_path}" if self.predictor else
                                 "No model yet: train one (step 3) or open a saved model file.")
        self._queue.clear()

    def _on_model_finished(self) -> None:
        if self.sender() is not self._model_worker:
            return
        self._model_worker = None
        self._set_busy(self._worker is not None)
        self._start_next()

    # ---- photos

    def add_paths(self, paths) -> None:
        """Classify these files and folders (after the ones already waiting)."""
        paths = [str(p) for p in paths]
        if not paths:
            return
        self._queue.append(paths)
        self._asked.append(paths)
        if self.predictor is None and self._model_worker is None:
            self.banner.show_message("There is no model yet: train one (step 3) or open a model file; the "
                                     "photos will be classified then.", "info")
            return
        self._start_next()

    def _start_next(self) -> None:
        if self._worker is not None or self._model_worker is not None or not self._queue or self.predictor is None:
            return
        paths = self._queue.pop(0)
        # Set in this thread before the job starts; a superseded job still running is ignored (see _on_yielded).
        self.predictor.tta = self.tta
        worker = GeneratorWorker(predict_job, self.predictor, paths, name="prediction")
        worker.yielded.connect(self._on_yielded)
        worker.errored.connect(self._on_errored)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self._set_busy(True)
        self.summary_label.setText("Classifying…")
        worker.start()

    def _on_yielded(self, message) -> None:
        if self.sender() is not self._worker:
            return  # results of a model since replaced
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
        probability = QTableWidgetItem(format_percent(prediction.probability))
        probability.setData(VALUE_ROLE, prediction.probability)
        classes = self.predictor.classes if self.predictor else [prediction.label]
        index = classes.index(prediction.label) if prediction.label in classes else 0
        probability.setData(COLOUR_ROLE, CLASS_COLOURS[index % len(CLASS_COLOURS)])
        probability.setToolTip("\n".join(f"{k}: {format_percent(v)}" for k, v in prediction.probabilities.items()))
        self.table.setItem(row, 2, probability)
        folder = QTableWidgetItem(str(path.parent))
        folder.setToolTip(str(path.parent))
        self.table.setItem(row, 3, folder)
        self.results.append(prediction)

    def _on_errored(self, error) -> None:
        if self.sender() is self._worker:
            self.banner.show_message(f"Classifying failed: {describe_error(error)}", "error")

    def _on_finished(self) -> None:
        if self.sender() is not self._worker:
            return
        self._worker = None
        self._set_busy(False)
        self._show_summary()
        self.predictions_finished.emit()
        self._start_next()

    def _show_summary(self) -> None:
        counts = Counter(p.label for p in self.results)
        parts = ", ".join(f"{n} {label}" for label, n in counts.most_common())
        skipped = f" · {plural(len(self.skipped), 'file')} skipped" if self.skipped else ""
        mirrored = " · each also seen mirrored" if self.tta else ""
        self.summary_label.setText(f"{plural(len(self.results), 'photo')}: {parts}{skipped}{mirrored}" if self.results
                                   else ("Nothing to classify." + skipped if self.skipped else ""))

    def _show_skipped(self) -> None:
        shown = "; ".join(f"{Path(s.path).name} ({s.reason})" for s in self.skipped[:5])
        more = f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
        were = "was" if len(self.skipped) == 1 else "were"
        self.banner.show_message(f"{plural(len(self.skipped), 'file')} {were} skipped: {shown}{more}.", "warning")

    @property
    def results(self) -> list:
        """The predictions shown, in table order."""
        return self._results

    def _on_tta_toggled(self, checked: bool) -> None:
        if checked == self.tta:
            return  # the box shown as the setting says (see showEvent)
        self.tta = checked
        again = self._asked
        if self._worker is not None:
            self._worker.quit()  # its results would mix both ways of asking
            self._worker = None
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
        return self.predictor is not None or self._model_worker is not None

    @property
    def busy(self) -> bool:
        return self._worker is not None or self._model_worker is not None

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
        path, _ = QFileDialog.getOpenFileName(self, "Open a model file", start, "Models (*.safetensors);;All files (*)")
        if path:
            self.open_model(path)

    def _on_add_files_clicked(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Photos to classify", self.last_folder, IMAGE_FILTER)
        if paths:
            self.last_folder = str(Path(paths[0]).parent)
            self.add_paths(paths)

    def _on_add_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "A folder of photos to classify", self.last_folder)
        if folder:
            self.last_folder = folder
            self.add_paths([folder])

    def _on_clear_clicked(self) -> None:
        self.clear()

    def _on_save_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the results", "predictions.csv", "CSV (*.csv)")
        if path:
            try:
                self.save_csv(path)
            except OSError as error:
                self.banner.show_message(f"Could not save {path}: {error.strerror or error}", "error")
            else:
                self.banner.show_message(f"Saved {plural(len(self.results), 'result')} to {path}.", "success")

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
