"""Step 6, the runs: every training run with its results; overlay several runs' curves to compare them.

Runs that another process writes into the runs folder (the command line, ``torchrun`` on a server
sharing the folder) are listed as "running elsewhere" (see core/runstatus.py), and while the step is
shown the folder is looked at every few seconds, in a worker thread, so that their curves grow as
their epochs finish.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import struct
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import runstatus
from ..core.paths import CHECKPOINT, can_resume
from ..core.runstatus import RunStatus
from .widgets import BANNER_COLOURS, Banner, format_duration, format_percent, legend_html, page_header, plural
from .worker import GeneratorWorker

RUN_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
MAX_HEADER = 100 * 1024 * 1024
SORT_ROLE = Qt.ItemDataRole.UserRole + 10
POLL_MS = 2000  # how often the shown step looks at the runs folder for runs written elsewhere
ELSEWHERE_COLOUR = BANNER_COLOURS["info"][1]
# A run's files whose change means the run must be read again (each watched with one stat call).
WATCHED_FILES = ("settings.json", "metrics.csv", "best.safetensors", CHECKPOINT, runstatus.STATUS_FILE)
RESUME_TIP = "Go on with a stopped or interrupted run from its last finished epoch"
DELETE_TIP = "Delete the selected run folders with their models"


@dataclass
class RunInfo:
    """One run folder, as read from its files (no model is loaded)."""

    path: Path
    started: datetime
    strategy: str = "?"
    backbone: str = ""
    data: str = ""
    image_size: int | None = None
    history: list[dict] = field(default_factory=list)
    best_val: float | None = None
    test_accuracy: float | None = None
    model_path: str | None = None
    unfinished: bool = False  # stopped or interrupted: it can be continued
    status: RunStatus | None = None  # its running.json: a process is (or was, if it died) writing it

    @property
    def epochs(self) -> int:
        return len(self.history)

    @property
    def seconds(self) -> float:
        return sum(float(row.get("seconds") or 0) for row in self.history)

    def series(self, key: str) -> np.ndarray:
        return np.array([float(row[key]) for row in self.history if row.get(key) not in (None, "")])

    @property
    def label(self) -> str:
        return f"{self.strategy} · {self.started:%d %b %H:%M}"

    @property
    def running_elsewhere(self) -> bool:
        """Another process (the command line, torchrun, another window or machine) trains it now.
        This window's own run is not: the window knows it (``RunsPanel.set_active_run``)."""
        return is_running_elsewhere(self.status)

    @property
    def interrupted(self) -> bool:
        """Its process died without saying the run ended."""
        status = self.status
        return status is not None and not status.in_this_process and status.state() == runstatus.INTERRUPTED


def is_running_elsewhere(status: RunStatus | None) -> bool:
    return status is not None and not status.in_this_process and status.state() == runstatus.RUNNING


def describe_writer(status: RunStatus) -> str:
    """Who trains a run that is running elsewhere, for people."""
    where = "this computer" if status.on_this_host else status.host
    return f"process {status.pid} on {where}"


def read_safetensors_metadata(path: Path) -> dict[str, str]:
    """The metadata of a safetensors file, read from its header alone (no tensors, no torch)."""
    with open(path, "rb") as handle:
        size = struct.unpack("<Q", handle.read(8))[0]
        if size > MAX_HEADER:
            raise ValueError("header too large")
        header = json.loads(handle.read(size))
    return header.get("__metadata__") or {}


def read_run(path: Path) -> RunInfo | None:
    """A run folder's settings, metrics and best model; None if ``path`` is not a run folder."""
    settings_file = path / "settings.json"
    if not settings_file.is_file():
        return None
    try:
        started = datetime.strptime(path.name[:15], "%Y%m%d-%H%M%S")
    except ValueError:
        started = datetime.fromtimestamp(settings_file.stat().st_mtime)
    run = RunInfo(path, started, unfinished=can_resume(path), status=runstatus.read_status(path))
    try:
        settings = json.loads(settings_file.read_text())
        run.strategy = settings.get("strategy", "?")
        run.backbone = settings.get("backbone", "")
        run.data = settings.get("data", "")
        run.image_size = settings.get("image_size")
    except (OSError, ValueError, AttributeError):
        pass
    metrics = path / "metrics.csv"
    if metrics.is_file():
        try:
            with open(metrics, newline="") as handle:
                run.history = list(csv.DictReader(handle))
        except (OSError, csv.Error):
            pass
    best = path / "best.safetensors"
    if best.is_file():
        run.model_path = str(best)
        try:
            values = json.loads(read_safetensors_metadata(best).get("metrics", "{}"))
            run.best_val = values.get("val_accuracy")
            run.test_accuracy = values.get("test_accuracy")
        except (OSError, ValueError, struct.error, AttributeError):
            pass  # a damaged or foreign file: the run is listed without its accuracies
    if run.best_val is None and run.history:
        run.best_val = max(float(row["val_accuracy"]) for row in run.history)
    return run


def scan_runs(runs_dir: Path) -> list[RunInfo]:
    """Every run under ``runs_dir``, newest first."""
    return RunsScanner().scan(runs_dir)


def latest_run_model(runs_dir: Path) -> str | None:
    """The best model of the newest run under ``runs_dir`` that has one; None if no run has."""
    return next((run.model_path for run in scan_runs(runs_dir) if run.model_path), None)


class RunsScanner:
    """The runs under a folder, each run folder read again only when one of its files changed (a few
    stat calls per run otherwise), so that the folder can be watched every few seconds. Thread-safe:
    the panel calls it from worker threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._known: dict[Path, tuple[tuple, RunInfo | None]] = {}

    def scan(self, runs_dir: Path) -> list[RunInfo]:
        """Every run under ``runs_dir``, newest first."""
        with self._lock:
            known = {}
            for folder in _subfolders(runs_dir):
                signature = _signature(folder)
                cached = self._known.get(folder)
                known[folder] = (signature, cached[1] if cached and cached[0] == signature else read_run(folder))
            self._known = known
            runs = [run for _, run in known.values() if run is not None]
        return sorted(runs, key=lambda r: r.started, reverse=True)

    def forget(self) -> None:
        """Read every run again on the next scan."""
        with self._lock:
            self._known = {}


def _subfolders(runs_dir: Path) -> list[Path]:
    try:
        with os.scandir(runs_dir) as entries:
            return [Path(entry.path) for entry in entries if entry.is_dir()]
    except OSError:
        return []  # not there yet: a first run creates it


def _signature(folder: Path) -> tuple:
    """What changes when a run's files do (atomic saves replace the file: a new inode)."""
    stamps = []
    for name in WATCHED_FILES:
        try:
            info = os.stat(folder / name)
            stamps.append((info.st_mtime_ns, info.st_size, info.st_ino))
        except OSError:
            stamps.append(None)
    return tuple(stamps)


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class EpochAxis(pg.AxisItem):
    """Ticks at whole epochs only: a run of three epochs (or one that has just begun) has no epoch 1.5."""

    def tickValues(self, minVal, maxVal, size):
        levels = [(spacing, values) for spacing, values in super().tickValues(minVal, maxVal, size) if spacing >= 1]
        if levels:
            return levels
        return [(1.0, [float(epoch) for epoch in range(math.ceil(minVal), math.floor(maxVal) + 1)])]


class SortableItem(QTableWidgetItem):
    """Sorts by the value in ``SORT_ROLE`` (numbers, dates) instead of the shown text."""

    def __lt__(self, other) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is None or theirs is None:
            return (mine is None) and (theirs is not None)
        return mine < theirs


class RunsPanel(QWidget):
    """Lists the runs, overlays their curves, and opens, exports or deletes them.

    Signals
    -------
    model_opened(str)
        The user opened a run's model (for the predictor and the evaluation).
    export_requested(str)
        The user asked to export a run's model.
    """

    model_opened = Signal(str)
    export_requested = Signal(str)
    resume_requested = Signal(object)  # RunInfo

    COLUMNS = ("Date", "Strategy", "Backbone", "Epochs", "Best validation", "Test", "Training time", "Data")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.runs: list[RunInfo] = []
        self.active_run: str | None = None
        self._scanner = RunsScanner()
        self._shown: dict[Path, tuple] = {}  # per run, what its row shows (to redraw only what changed)
        self._poll_worker: GeneratorWorker | None = None
        self._poll_dir: Path | None = None
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self._on_poll_timer_timeout)
        self._build()
        self._update_buttons()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(page_header(
            "6  Your runs",
            "Every training run is kept. Select several (Ctrl or Shift + click) to compare their curves, as "
            "in the lecture's plots: solid lines are validation, dashed lines training. Runs that the command "
            "line or another computer writes into the runs folder show up too, their curves growing live.",
        ))
        row = QHBoxLayout()
        self.open_button = QPushButton("Use this model")
        self.open_button.setToolTip("Open the run's best model in the predictor and evaluate it")
        self.open_button.clicked.connect(self._on_open_clicked)
        self.resume_button = QPushButton("Continue training")
        self.resume_button.setToolTip(RESUME_TIP)
        self.resume_button.clicked.connect(self._on_resume_clicked)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setToolTip(DELETE_TIP)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.folder_button = QPushButton("Show folder")
        self.folder_button.clicked.connect(self._on_folder_clicked)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self._on_refresh_clicked)
        for button in (self.open_button, self.resume_button, self.export_button, self.delete_button,
                       self.folder_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        layout.addLayout(row)
        self.where_label = QLabel()
        self.where_label.setStyleSheet("color: #555;")
        self.where_label.setWordWrap(True)
        self.where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.where_label)
        self.banner = Banner()
        layout.addWidget(self.banner)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.horizontalHeaderItem(6).setToolTip("Time spent in the epochs (reading photos and extracting "
                                                      "features not included)")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)  # newest first
        header = self.table.horizontalHeader()
        for column in range(len(self.COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        splitter.addWidget(self.table)

        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.accuracy_plot = self._plot("Accuracy per epoch", "accuracy")
        self.loss_plot = self._plot("Loss per epoch", "loss")
        row.addWidget(self.accuracy_plot)
        row.addWidget(self.loss_plot)
        plots_layout.addLayout(row, 1)
        # One legend for both plots, outside them, so it never hides a curve.
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        plots_layout.addWidget(self.legend)
        splitter.addWidget(plots)
        splitter.setSizes([260, 420])
        layout.addWidget(splitter, 1)

    @staticmethod
    def _plot(title: str, unit: str) -> pg.PlotWidget:
        widget = pg.PlotWidget(axisItems={"bottom": EpochAxis("bottom")})
        item = widget.getPlotItem()
        item.setTitle(title, size="11pt")
        item.setLabel("bottom", "epoch")
        item.setLabel("left", unit)
        item.getAxis("left").enableAutoSIPrefix(False)
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        return widget

    # ---- listing

    def runs_dir(self) -> Path:
        from ..core.paths import default_runs_dir

        return default_runs_dir()

    def refresh(self) -> None:
        """Read the runs folder again (only the runs whose files changed), keeping the selection."""
        self._show_runs(self._scanner.scan(self.runs_dir()), redraw=True)

    def _show_runs(self, runs: list[RunInfo], redraw: bool) -> None:
        """List ``runs``; unless ``redraw``, touch the table and the curves only where something changed."""
        shown = {run.path: self._row_key(run) for run in runs}
        changed = {path for path, key in shown.items() if self._shown.get(path) != key}
        selected_before = {run.path for run in self.selected_runs()}
        self.runs = runs  # even when the rows stay: the buttons judge by the latest heartbeats
        if not redraw and shown == self._shown:
            return
        self._shown = shown
        self._fill_table(selected_before)
        selected = {run.path for run in self.selected_runs()}
        if redraw:
            self._on_selection_changed()
            return
        if selected != selected_before or selected & changed:
            self._overlay(self.selected_runs(), reset_view=False)  # keep the user's zoom, if any
        self._update_buttons()

    def _fill_table(self, selected: set[Path]) -> None:
        elsewhere = sum(run.running_elsewhere for run in self.runs)
        note = f" ({elsewhere} running elsewhere)" if elsewhere else ""
        self.where_label.setText(f"{plural(len(self.runs), 'run')}{note}, kept in {self.runs_dir()}")
        table = self.table
        table.setSortingEnabled(False)
        table.blockSignals(True)
        table.setRowCount(len(self.runs))
        for row, run in enumerate(self.runs):
            for column, (text, key) in enumerate(self._cells(run)):
                item = SortableItem(text)
                item.setData(SORT_ROLE, key)
                item.setData(Qt.ItemDataRole.UserRole, str(run.path))
                item.setToolTip(str(run.path))
                if column in (3, 4, 5, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
            if run.running_elsewhere:
                self._mark_running_elsewhere(row, run)
        table.setSortingEnabled(True)
        header = table.horizontalHeader()
        table.sortItems(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.select_runs(selected)
        table.blockSignals(False)

    def _cells(self, run: RunInfo) -> list[tuple[str, object]]:
        """Each column's text and sort key."""
        return [
            (run.started.strftime("%Y-%m-%d %H:%M"), run.started.timestamp()),
            (run.strategy, run.strategy),
            (run.backbone if run.backbone != "scratch-cnn" else "small CNN", run.backbone),
            (str(run.epochs) + self._epochs_note(run), run.epochs),
            (format_percent(run.best_val), run.best_val),
            (format_percent(run.test_accuracy), run.test_accuracy),
            (format_duration(run.seconds) if run.history else "–", run.seconds),
            (run.data, run.data),
        ]

    def _epochs_note(self, run: RunInfo) -> str:
        if self._is_active(run):
            return " (running)"
        if run.running_elsewhere:
            return " (running elsewhere)"
        if run.unfinished:
            return " (unfinished)"
        return " (interrupted)" if run.interrupted else ""

    def _mark_running_elsewhere(self, row: int, run: RunInfo) -> None:
        """The Epochs cell in colour, with who trains the run in its tooltip."""
        item = self.table.item(row, 3)
        item.setForeground(QColor(ELSEWHERE_COLOUR))
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        item.setToolTip(f"Being trained by {describe_writer(run.status)}: its row and curves follow it as its "
                        f"epochs finish.\n{run.path}")

    def _row_key(self, run: RunInfo) -> tuple:
        return (*(text for text, _ in self._cells(run)), run.running_elsewhere, run.model_path, run.unfinished)

    def _is_active(self, run: RunInfo) -> bool:
        return self.active_run is not None and Path(self.active_run) == run.path

    def selected_runs(self) -> list[RunInfo]:
        by_path = {str(run.path): run for run in self.runs}
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        found = []
        for row in rows:
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) in by_path:
                found.append(by_path[item.data(Qt.ItemDataRole.UserRole)])
        return found

    def select_runs(self, paths) -> None:
        """Select the runs in these folders (as Ctrl+clicking them would)."""
        wanted = {str(Path(p)) for p in paths}
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) in wanted:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def _on_selection_changed(self) -> None:
        runs = self.selected_runs()
        self._overlay(runs)
        self._update_buttons()

    def _overlay(self, runs: list[RunInfo], reset_view: bool = True) -> None:
        """Each selected run's curves in its own colour: validation solid, training dashed. Without
        ``reset_view`` (a run elsewhere finished an epoch) a view the user zoomed into stays."""
        colours = {run.path: RUN_COLOURS[i % len(RUN_COLOURS)] for i, run in enumerate(runs)}
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            colour = colours.get(Path(item.data(Qt.ItemDataRole.UserRole)))
            item.setIcon(_swatch(colour) if colour else QIcon())
        if runs:
            entries = [(colours[run.path], "solid", run.label + (" (running elsewhere)" if run.running_elsewhere
                                                                  else "")) for run in runs]
            self.legend.setText(legend_html(entries) + "&nbsp;&nbsp;&nbsp;<span style='color:#555'>(solid: "
                                "validation, dashed: training)</span>")
        else:
            self.legend.setText("<span style='color:#555'>Select one or more runs above to see their curves.</span>")
        for plot, key in ((self.accuracy_plot, "accuracy"), (self.loss_plot, "loss")):
            item = plot.getPlotItem()
            item.clear()
            for index, run in enumerate(runs):
                colour = RUN_COLOURS[index % len(RUN_COLOURS)]
                epochs = np.arange(1, run.epochs + 1)
                validation, training = run.series(f"val_{key}"), run.series(key)
                if len(validation) == len(epochs):
                    item.plot(epochs, validation, pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=5,
                              symbolBrush=colour, symbolPen=None)
                if len(training) == len(epochs):
                    item.plot(epochs, training, pen=pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine))
            if reset_view:
                item.enableAutoRange()

    def _update_buttons(self) -> None:
        runs = self.selected_runs()
        one = len(runs) == 1
        has_model = one and runs[0].model_path is not None
        active = any(self._is_active(r) for r in runs)
        elsewhere = [r for r in runs if r.running_elsewhere]
        self.open_button.setEnabled(has_model)  # the best model so far, also of a run going on
        self.resume_button.setEnabled(one and runs[0].unfinished and self.active_run is None and not elsewhere)
        self.export_button.setEnabled(has_model)
        self.delete_button.setEnabled(bool(runs) and not active and not elsewhere)
        self.folder_button.setEnabled(one)
        why = (f"Not while {describe_writer(elsewhere[0].status)} trains this run; wait until it ends"
               if elsewhere else None)
        self.resume_button.setToolTip(why or RESUME_TIP)
        self.delete_button.setToolTip(why or DELETE_TIP)

    def set_active_run(self, run_dir: str | None) -> None:
        """The run being trained now: it cannot be deleted."""
        self.active_run = run_dir
        if self.isVisible():  # else showEvent reads the runs folder when the step is shown
            self.refresh()

    # ---- actions

    def _on_refresh_clicked(self) -> None:
        self._scanner.forget()  # the user asked: read every run, not only those whose files changed
        self.refresh()

    def _on_poll_timer_timeout(self) -> None:
        if self._poll_worker is not None:
            return  # the last look is not back yet (a slow network folder)
        self._poll_dir = self.runs_dir()
        worker = GeneratorWorker(self._scanner.scan, self._poll_dir, name="runs-scan")
        worker.returned.connect(self._on_poll_worker_returned)
        worker.finished.connect(self._on_poll_worker_finished)
        self._poll_worker = worker
        worker.start()

    def _on_poll_worker_returned(self, runs: list[RunInfo]) -> None:
        if self._poll_dir != self.runs_dir():
            return  # the runs folder was changed meanwhile
        self._show_runs(runs, redraw=False)

    def _on_poll_worker_finished(self) -> None:
        self._poll_worker = None

    def _on_open_clicked(self, *_) -> None:
        runs = self.selected_runs()
        if len(runs) == 1 and runs[0].model_path:
            self.model_opened.emit(runs[0].model_path)

    def _on_table_double_clicked(self, *_) -> None:
        self._on_open_clicked()

    def _on_resume_clicked(self) -> None:
        runs = self.selected_runs()
        if len(runs) == 1 and runs[0].unfinished and not is_running_elsewhere(runstatus.read_status(runs[0].path)):
            self.resume_requested.emit(runs[0])

    def _on_export_clicked(self) -> None:
        runs = self.selected_runs()
        if len(runs) == 1 and runs[0].model_path:
            self.export_requested.emit(runs[0].model_path)

    def _on_folder_clicked(self) -> None:
        runs = self.selected_runs()
        if runs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(runs[0].path)))

    def _on_delete_clicked(self) -> None:
        self.delete_selected(confirm=True)

    def delete_selected(self, confirm: bool = True) -> int:
        """Delete the selected run folders (after asking, unless ``confirm`` is False); how many went."""
        runs = [r for r in self.selected_runs()
                if not self._is_active(r) and not is_running_elsewhere(runstatus.read_status(r.path))]
        if not runs:
            return 0
        if confirm:
            names = "\n".join(str(r.path) for r in runs[:10])
            answer = QMessageBox.question(
                self, "Delete runs", f"Delete {len(runs)} run folder(s) with their models?\n\n{names}",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        failed = []
        for run in runs:
            try:
                shutil.rmtree(run.path)
            except OSError as error:
                failed.append(f"{run.path}: {error.strerror or error}")
        if failed:
            self.banner.show_message("Could not delete " + "; ".join(failed), "error")
        else:
            self.banner.hide()
        self.refresh()
        return len(runs) - len(failed)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()
        self.poll_timer.start()

    def hideEvent(self, event) -> None:
        self.poll_timer.stop()  # nobody looks: no need to watch the folder
        super().hideEvent(event)
