"""Step 6, the runs: every training run with its results; overlay several runs' curves to compare them.

Runs that another process writes into the runs folder (the command line, ``torchrun`` on a server
sharing the folder) are listed as "running elsewhere" (see core/runstatus.py), and while the step is
shown the folder is looked at every few seconds, in a worker thread, so that their curves grow as
their epochs finish.

The run folders are read by core/runs.py (no torch); this module shows what it reads.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QLocale, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QIcon, QPainter, QPalette, QPixmap
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

from ..core import runs, runstatus
from ..core.names import SCRATCH
from ..core.paths import default_runs_dir
from ..core.runs import RunsScanner, is_running_elsewhere
from ..core.runstatus import RunStatus
from . import colours, i18n
from .accessible import run_curves_text
from .training_panel import match_core_text
from .widgets import (
    Banner,
    colour_plot,
    format_duration,
    legend_html,
    mute,
    muted_html,
    page_header,
)
from .worker import TaskSlot

SORT_ROLE = Qt.ItemDataRole.UserRole + 10
POLL_MS = 2000  # how often the shown step looks at the runs folder for runs written elsewhere
RESUME_TIP = QT_TRANSLATE_NOOP("RunsPanel", "Go on with a stopped or interrupted run from its last finished epoch")
DELETE_TIP = QT_TRANSLATE_NOOP("RunsPanel", "Delete the selected run folders with their models")
TRAIN_MORE_TIP = QT_TRANSLATE_NOOP("RunsPanel", "Start a new run from this run's best model: train it more on new "
                                                "photos, or teach it new classes, keeping what it has learnt")
# What core/runs.py says is wrong with a best model (its NOT_A_MODEL and INVALID_METADATA), to look up in the
# window's language; tests/test_gui_imports.py checks that they still agree.
MODEL_PROBLEMS = (QT_TRANSLATE_NOOP("runs_panel", "%1: not a model file, or damaged or cut short"),
                  QT_TRANSLATE_NOOP("runs_panel", "%1: invalid metadata (%2)"))


class RunInfo(runs.RunInfo):
    """One run folder, as :mod:`catdog_gui.core.runs` reads it, with its label in the window's language."""

    @property
    def label(self) -> str:
        """Its strategy and when it started (``scratch · 01 Dec 08:00``), the month as the window's language
        writes it."""
        started = QDateTime.fromSecsSinceEpoch(round(self.started.timestamp()))
        return f"{self.strategy} · {QLocale().toString(started, 'dd MMM HH:mm')}"


def describe_writer(status: RunStatus) -> str:
    """Who trains a run that is running elsewhere, for people."""
    where = QCoreApplication.translate("runs_panel", "this computer") if status.on_this_host else status.host
    return i18n.fill(QCoreApplication.translate("runs_panel", "process %1 on %2"), status.pid, where)


def read_run(path: Path) -> RunInfo | None:
    """A run folder's settings, metrics and best model (see :func:`catdog_gui.core.runs.read_run`), what is
    wrong with its files in the window's language; None if ``path`` is not a run folder."""
    run = runs.read_run(path, RunInfo)
    if run is not None:
        run.problems = [problem_text(problem) for problem in run.problems]
    return run


def problem_text(problem: str) -> str:
    """What core/runs.py says is wrong with a run's files, in the window's language (the problems of
    settings.json and metrics.csv, written by core/runfiles.py, stay as they are)."""
    found = match_core_text(problem, MODEL_PROBLEMS)
    if found is None:
        return problem
    source, values = found
    return i18n.fill(QCoreApplication.translate("runs_panel", source), *values)


def scan_runs(runs_dir: Path) -> list[RunInfo]:
    """Every run under ``runs_dir``, newest first."""
    return RunsScanner(read_run).scan(runs_dir)


def _swatch(colour: QColor, border: QColor, ratio: float = 1.0) -> QIcon:
    """A 12-pixel square of ``colour`` in a 1-pixel ``border`` (so that it shows on a selected row's
    highlight too), made at the screen's device pixel ratio."""
    pixmap = QPixmap(round(12 * ratio), round(12 * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(border)
    painter = QPainter(pixmap)
    painter.fillRect(1, 1, 10, 10, colour)
    painter.end()
    return QIcon(pixmap)


def _last_validation(run: RunInfo, key: str) -> tuple[str, float | None, int]:
    """A run's label, its last validation ``key`` value (None before its first epoch) and epochs: for
    screen readers, which read the plots as text."""
    values = run.series(f"val_{key}")
    return run.label, (float(values[-1]) if len(values) else None), len(values)


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
    train_more_requested(object)
        The user asked to train a run's best model more (the :class:`RunInfo`).
    """

    model_opened = Signal(str)
    export_requested = Signal(str)
    resume_requested = Signal(object)  # RunInfo
    train_more_requested = Signal(object)  # RunInfo with a best model: a new run is to start from it

    COLUMNS = (QT_TRANSLATE_NOOP("RunsPanel", "Date"), QT_TRANSLATE_NOOP("RunsPanel", "Strategy"),
               QT_TRANSLATE_NOOP("RunsPanel", "Backbone"), QT_TRANSLATE_NOOP("RunsPanel", "Epochs"),
               QT_TRANSLATE_NOOP("RunsPanel", "Best validation"), QT_TRANSLATE_NOOP("RunsPanel", "Test"),
               QT_TRANSLATE_NOOP("RunsPanel", "Training time"), QT_TRANSLATE_NOOP("RunsPanel", "Started from"),
               QT_TRANSLATE_NOOP("RunsPanel", "Data"))  # the table's headers, in English
    STARTED_FROM = COLUMNS.index("Started from")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.runs: list[RunInfo] = []
        self.active_run: str | None = None
        self._scanner = RunsScanner(read_run)
        self._shown: dict[Path, tuple] = {}  # per run, what its row shows (to redraw only what changed)
        self._polls = TaskSlot(self)  # one look at the runs folder at a time
        self._poll_dir: Path | None = None
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self._on_poll_timer_timeout)
        self._build()
        colours.follow_palette(self, self._apply_colours)
        self._update_buttons()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(page_header(
            self.tr("6  Your runs"),
            self.tr("Every training run is kept. Select several (Ctrl or Shift + click) to compare their curves, as "
                    "in the lecture's plots: solid lines are validation, dashed lines training. Runs that the command "
                    "line or another computer writes into the runs folder show up too, their curves growing live."),
        ))
        row = QHBoxLayout()
        self.open_button = QPushButton(self.tr("&Use this model"))
        self.open_button.setToolTip(self.tr("Open the run's best model in the predictor and evaluate it"))
        self.open_button.clicked.connect(self._on_open_clicked)
        self.resume_button = QPushButton(self.tr("&Continue training"))
        self.resume_button.setToolTip(self._translate(RESUME_TIP))
        self.resume_button.clicked.connect(self._on_resume_clicked)
        self.train_more_button = QPushButton(self.tr("Train &more…"))
        self.train_more_button.setToolTip(self._translate(TRAIN_MORE_TIP))
        self.train_more_button.clicked.connect(self._on_train_more_clicked)
        self.export_button = QPushButton(self.tr("&Export…"))
        self.export_button.clicked.connect(self._on_export_clicked)
        self.delete_button = QPushButton(self.tr("&Delete…"))
        self.delete_button.setToolTip(self._translate(DELETE_TIP))
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.folder_button = QPushButton(self.tr("Show f&older"))
        self.folder_button.clicked.connect(self._on_folder_clicked)
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.clicked.connect(self._on_refresh_clicked)
        for button in (self.open_button, self.resume_button, self.train_more_button, self.export_button,
                       self.delete_button, self.folder_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        layout.addLayout(row)
        self.where_label = QLabel()
        mute(self.where_label)
        self.where_label.setWordWrap(True)
        self.where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.where_label)
        self.banner = Banner()
        layout.addWidget(self.banner)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setAccessibleName(self.tr("Runs"))
        self.table.setHorizontalHeaderLabels([self._translate(column) for column in self.COLUMNS])
        self.table.horizontalHeaderItem(6).setToolTip(self.tr("Time spent in the epochs (reading photos and "
                                                              "extracting features not included)"))
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
        self.accuracy_plot = self._plot(self.tr("Accuracy per epoch"), self.tr("accuracy", "a plot's axis"))
        self.loss_plot = self._plot(self.tr("Loss per epoch"), self.tr("loss", "a plot's axis"))
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
    def _translate(text: str) -> str:
        """A text marked with ``QT_TRANSLATE_NOOP("RunsPanel", ...)`` (headers, tooltips) in the window's language."""
        return QCoreApplication.translate("RunsPanel", text)

    @staticmethod
    def _plot(title: str, unit: str) -> pg.PlotWidget:
        widget = pg.PlotWidget(axisItems={"bottom": EpochAxis("bottom")})
        widget.setAccessibleName(title)
        widget.setAccessibleDescription(run_curves_text(title, []))
        item = widget.getPlotItem()
        item.setTitle(title, size="11pt")
        item.setLabel("bottom", QCoreApplication.translate("RunsPanel", "epoch", "a plot's axis"))
        item.setLabel("left", unit)
        item.getAxis("left").enableAutoSIPrefix(False)
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        return widget

    # ---- listing

    def runs_dir(self) -> Path:
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
        if elsewhere:
            where = i18n.fill(self.tr("%n run(s) (%1 running elsewhere), kept in %2", "", len(self.runs)),
                              i18n.format_number(elsewhere), self.runs_dir())
        else:
            where = i18n.fill(self.tr("%n run(s), kept in %1", "", len(self.runs)), self.runs_dir())
        self.where_label.setText(where)
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
            if run.parent_model:
                table.item(row, self.STARTED_FROM).setToolTip(i18n.fill(self.tr("Started from %1"), run.parent_model))
            if run.running_elsewhere:
                self._mark_running_elsewhere(row, run)
            if run.damaged:
                self._mark_damaged(row, run)
        table.setSortingEnabled(True)
        header = table.horizontalHeader()
        table.sortItems(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.select_runs(selected)
        table.blockSignals(False)

    def _cells(self, run: RunInfo) -> list[tuple[str, object]]:
        """Each column's text and sort key."""
        return [
            (i18n.format_datetime(run.started), run.started.timestamp()),
            (run.strategy, run.strategy),
            (run.backbone if run.backbone != SCRATCH else self.tr("small CNN"), run.backbone),
            (self._epochs_text(run), run.epochs),
            (i18n.format_percent(run.best_val, 1), run.best_val),
            (i18n.format_percent(run.test_accuracy, 1), run.test_accuracy),
            (format_duration(run.seconds) if run.history else "–", run.seconds),
            (run.started_from, run.started_from),
            (run.data, run.data),
        ]

    def _epochs_text(self, run: RunInfo) -> str:
        """The Epochs cell: how many, and whether the run goes on (here or elsewhere), is damaged or can go on."""
        epochs = i18n.format_number(run.epochs)
        if self._is_active(run):
            return i18n.fill(self.tr("%1 (running)", "epochs"), epochs)
        if run.running_elsewhere:
            return i18n.fill(self.tr("%1 (running elsewhere)", "epochs"), epochs)
        if run.damaged:
            return i18n.fill(self.tr("%1 (damaged)", "epochs"), epochs)
        if run.unfinished:
            return i18n.fill(self.tr("%1 (unfinished)", "epochs"), epochs)
        return i18n.fill(self.tr("%1 (interrupted)", "epochs"), epochs) if run.interrupted else epochs

    def _mark_running_elsewhere(self, row: int, run: RunInfo) -> None:
        """The Epochs cell in colour, with who trains the run in its tooltip."""
        item = self.table.item(row, 3)
        item.setForeground(colours.accent_text(self.table.palette()))
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        item.setToolTip(i18n.fill(self.tr("Being trained by %1: its row and curves follow it as its epochs finish."),
                                  describe_writer(run.status)) + f"\n{run.path}")

    def _mark_damaged(self, row: int, run: RunInfo) -> None:
        """Every cell's tooltip says what is wrong with the run's files (the Epochs cell says "damaged")."""
        tooltip = i18n.fill(self.tr("Damaged: %1"), run.damaged) + f"\n{run.path}"
        for column in range(self.table.columnCount()):
            self.table.item(row, column).setToolTip(tooltip)

    def _row_key(self, run: RunInfo) -> tuple:
        return (*(text for text, _ in self._cells(run)), run.running_elsewhere, run.model_path, run.unfinished,
                run.damaged)

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
        palette = self.palette()
        run_colours = {run.path: colours.series_colour(palette, i) for i, run in enumerate(runs)}
        ratio = self.devicePixelRatioF()
        border = self.table.palette().color(QPalette.ColorRole.HighlightedText)  # swatches mark selected rows
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            colour = run_colours.get(Path(item.data(Qt.ItemDataRole.UserRole)))
            item.setIcon(_swatch(colour, border, ratio) if colour else QIcon())
        if runs:
            entries = [(run_colours[run.path], "solid", self._legend_label(run)) for run in runs]
            self.legend.setText(legend_html(entries) + "&nbsp;&nbsp;&nbsp;"
                                + muted_html(self.tr("(solid: validation, dashed: training)"), palette))
        else:
            self.legend.setText(muted_html(self.tr("Select one or more runs above to see their curves."), palette))
        for plot, key in ((self.accuracy_plot, "accuracy"), (self.loss_plot, "loss")):
            item = plot.getPlotItem()
            item.clear()
            for run in runs:
                colour = run_colours[run.path]
                epochs = np.arange(1, run.epochs + 1)
                validation, training = run.series(f"val_{key}"), run.series(key)
                if len(validation) == len(epochs):
                    item.plot(epochs, validation, pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=5,
                              symbolBrush=colour, symbolPen=None)
                if len(training) == len(epochs):
                    item.plot(epochs, training, pen=pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine))
            if reset_view:
                item.enableAutoRange()
            plot.setAccessibleDescription(run_curves_text(plot.accessibleName(),
                                                          [_last_validation(run, key) for run in runs]))

    def _legend_label(self, run: RunInfo) -> str:
        return i18n.fill(self.tr("%1 (running elsewhere)", "a run"), run.label) if run.running_elsewhere else run.label

    def _apply_colours(self, palette) -> None:
        """Plots, curves, legend and marks in the palette's colours (again when the system switches light/dark)."""
        for plot in (self.accuracy_plot, self.loss_plot):
            colour_plot(plot, palette)
        if self.runs:
            self._fill_table({run.path for run in self.selected_runs()})  # the marks of runs trained elsewhere
        self._overlay(self.selected_runs(), reset_view=False)

    def _update_buttons(self) -> None:
        runs = self.selected_runs()
        one = len(runs) == 1
        has_model = one and runs[0].model_path is not None
        active = any(self._is_active(r) for r in runs)
        elsewhere = [r for r in runs if r.running_elsewhere]
        self.open_button.setEnabled(has_model)  # the best model so far, also of a run going on
        self.resume_button.setEnabled(one and runs[0].unfinished and self.active_run is None and not elsewhere)
        self.export_button.setEnabled(has_model)
        self.train_more_button.setEnabled(has_model)
        self.delete_button.setEnabled(bool(runs) and not active and not elsewhere)
        self.folder_button.setEnabled(one)
        why = (i18n.fill(self.tr("Not while %1 trains this run; wait until it ends"),
                         describe_writer(elsewhere[0].status)) if elsewhere else None)
        self.resume_button.setToolTip(why or self._translate(RESUME_TIP))
        self.delete_button.setToolTip(why or self._translate(DELETE_TIP))

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
        if self._polls.busy:
            return  # the last look is not back yet (a slow network folder)
        self._poll_dir = self.runs_dir()
        self._polls.start(self._scanner.scan, self._poll_dir, name="runs-scan", returned=self._on_poll_returned)

    def _on_poll_returned(self, runs: list[RunInfo]) -> None:
        if self._poll_dir != self.runs_dir():
            return  # the runs folder was changed meanwhile
        self._show_runs(runs, redraw=False)

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

    def _on_train_more_clicked(self) -> None:
        runs = self.selected_runs()
        if len(runs) == 1 and runs[0].model_path:
            self.train_more_requested.emit(runs[0])

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
                self, self.tr("Delete runs"),
                self.tr("Delete %n run folder(s) with their models?", "", len(runs)) + f"\n\n{names}",
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
            self.banner.show_message(i18n.fill(self.tr("Could not delete %1"), "; ".join(failed)), "error")
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
