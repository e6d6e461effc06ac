"""Step 3, training: Start, Pause and Stop, progress with ETA, and live loss and accuracy curves.

The run itself is :class:`catdog_gui.core.training.Training` in a :class:`~.worker.TaskSlot`. Records
only append to growing arrays; a timer draws them a few times a second (pyqtgraph's scrollingPlots
way), so a fast run is not slowed by drawing every batch. A run on several GPUs is a child process
instead (:class:`~catdog_gui.gui.child_run.ChildRun`), whose curves the Runs step draws.
"""

from __future__ import annotations

import math
import re
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import core
from ..core.records import (EPOCH_PHASES, EXTRACTING, FINE_TUNING, TRAINING, BatchDone, EpochDone, Finished, Notice,
                            PhaseStarted, Progress)
from ..core.runfiles import METRICS_NEEDED
from .accessible import epoch_values_text
from .child_run import ChildRun
from . import colours, i18n
from .widgets import (
    Banner,
    bold,
    colour_plot,
    describe_error,
    format_duration,
    legend_html,
    mute,
    page_header,
)
from .worker import BACKGROUND_NICE, TaskSlot

STATUS_MS = 250  # progress bars and labels
# Curves: every third status tick. Redrawing both plots takes the main thread 20-40 ms, and while a
# small head trains on cached features (thousands of batches a second, all Python) every wake-up of
# the main thread takes the interpreter from the run for that long. So while the window's thread uses
# more than MAIN_THREAD_BUDGET of its time, redraws come less often (up to every MAX_REDRAW_EVERY ticks).
REDRAW_EVERY = 3
MAX_REDRAW_EVERY = 8
MAIN_THREAD_BUDGET = 0.03
COALESCE_MS = 250  # records handed from the worker to the window at most this often (but see _is_urgent)
SMOOTHING = 0.9  # exponential moving average of the per-batch values, bias-corrected
RUN_BAR_STEPS = 1000

pg.setConfigOptions(antialias=True)  # colours come from the palette (see colour_plot)

# The texts of core's training records that this step shows, to look up in the window's language (core
# keeps them in English, for the command line). They mirror core/training.py, core/store.py and
# core/device.py: tests/test_gui_training_texts.py checks that core still writes each of them. %1, %2...
# stand for what varies (names, numbers); a text that matches none is shown as core wrote it.
PHASE_TITLES = (  # PhaseStarted.title
    QT_TRANSLATE_NOOP("training_panel", "Reading photos"),
    QT_TRANSLATE_NOOP("training_panel", "Extracting features with %1"),
    QT_TRANSLATE_NOOP("training_panel", "Training"),
    QT_TRANSLATE_NOOP("training_panel", "Training the head (base frozen)"),
    QT_TRANSLATE_NOOP("training_panel", "Fine-tuning the top block"),
    QT_TRANSLATE_NOOP("training_panel", "Measuring accuracy on the test photos"),
)
PROGRESS_PHASES = (  # Progress.phase: the work before the epochs
    QT_TRANSLATE_NOOP("training_panel", "hashing photos"),
    QT_TRANSLATE_NOOP("training_panel", "reading photos"),
    QT_TRANSLATE_NOOP("training_panel", "checking photos"),
    QT_TRANSLATE_NOOP("training_panel", "extracting features"),
)
NOTICES = (  # Notice.text: how the run reads its photos, class weights, cache entries computed again
    QT_TRANSLATE_NOOP("training_panel", "Reading features from the feature cache (computed once per photo)"),
    QT_TRANSLATE_NOOP("training_panel", "Reading decoded photos from the pixel cache on disk (decoded once per "
                                        "photo)"),
    QT_TRANSLATE_NOOP("training_panel", "Reading photos decoded every epoch (the pixel cache would pass its disk "
                                        "budget)"),
    QT_TRANSLATE_NOOP("training_panel", "Class weights are on, but every class has as many training photos: they "
                                        "change nothing"),
    QT_TRANSLATE_NOOP("training_panel", "Classes weighted against imbalance (the largest class has %1 times the "
                                        "photos of the smallest): each photo of %2 counts %3 times one of %4 in the "
                                        "loss"),
    QT_TRANSLATE_NOOP("training_panel", "Classes weighted against imbalance (as chosen): each photo of %1 counts %2 "
                                        "times one of %3 in the loss"),
    QT_TRANSLATE_NOOP("training_panel", "pixel cache: %1 cannot be used (%2); its photos are computed again"),
    QT_TRANSLATE_NOOP("training_panel", "feature cache: %1 cannot be used (%2); its photos are computed again"),
)
DEVICES = (QT_TRANSLATE_NOOP("training_panel", "CPU (%1 threads)"),)  # Finished.device (describe_device)
_DECIMAL = re.compile(r"\d+\.(\d+)")


@lru_cache(maxsize=None)
def _pattern(source: str) -> re.Pattern:
    """What texts made from ``source`` look like: its words as they are, each %1, %2... any text."""
    return re.compile("(.+?)".join(re.escape(piece) for piece in re.split(r"%[1-9]", source)), re.DOTALL)


def match_core_text(text: str, known) -> tuple[str, tuple[str, ...]] | None:
    """The first of ``known`` (core's English, with %1...) that ``text`` was made from, and the values
    of its %1, %2...; None if none was."""
    for source in known:
        found = _pattern(source).fullmatch(text)
        if found:
            return source, found.groups()
    return None


def core_text(text: str, known) -> str:
    """``text``, written by core from one of ``known``, in the window's language (its numbers too);
    as it is if it matches none of them."""
    found = match_core_text(text, known)
    if found is None:
        return text
    source, values = found
    return i18n.fill(QCoreApplication.translate("training_panel", source), *map(_local_number, values))


def _local_number(value: str) -> str:
    """A decimal number that core wrote (``2.5``) as the window's language writes it; other values as they are."""
    decimal = _DECIMAL.fullmatch(value)
    return i18n.format_number(float(value), len(decimal.group(1))) if decimal else value


def phase_title(record) -> str:
    """A :class:`~catdog_gui.core.training.PhaseStarted` record's title in the window's language; the base
    network by its name alone (``EfficientNet-Lite0``, without the note in brackets that helps to choose it)."""
    title = record.title.split(" (")[0] if record.phase == EXTRACTING else record.title
    return core_text(title, PHASE_TITLES)


def progress_phase(phase: str) -> str:
    """A :class:`~catdog_gui.core.training.Progress` record's phase (``hashing photos``), capitalised,
    in the window's language."""
    text = core_text(phase, PROGRESS_PHASES)
    return text[:1].upper() + text[1:]


def _is_urgent(record) -> bool:
    """Everything but a finished batch is handed to the window at once."""
    return not isinstance(record, BatchDone)


class Series:
    """A growing pair of arrays (doubling capacity), drawn by one curve item."""

    def __init__(self, curve: pg.PlotDataItem):
        self.curve = curve
        self.x = np.empty(64)
        self.y = np.empty(64)
        self.count = 0
        self.dirty = False

    def append(self, x: float, y: float) -> None:
        if self.count == len(self.x):
            self.x = np.concatenate([self.x, np.empty_like(self.x)])
            self.y = np.concatenate([self.y, np.empty_like(self.y)])
        self.x[self.count] = x
        self.y[self.count] = y
        self.count += 1
        self.dirty = True

    def clear(self) -> None:
        self.count = 0
        self.dirty = True

    def last(self) -> tuple[float, float] | None:
        """The newest point, (x, y); None when empty."""
        return (float(self.x[self.count - 1]), float(self.y[self.count - 1])) if self.count else None

    def draw(self) -> None:
        if self.dirty:
            self.curve.setData(self.x[:self.count], self.y[:self.count])
            self.dirty = False


class Smoother:
    def __init__(self, weight: float = SMOOTHING):
        self.weight = weight
        self.value = 0.0
        self.steps = 0

    def __call__(self, value: float) -> float:
        self.steps += 1
        self.value = self.weight * self.value + (1 - self.weight) * value
        return self.value / (1 - self.weight ** self.steps)


def _plot(title: str, unit: str) -> pg.PlotWidget:
    widget = pg.PlotWidget()
    widget.setMinimumHeight(220)
    item = widget.getPlotItem()
    item.setTitle(title, size="11pt")
    item.setLabel("bottom", QCoreApplication.translate("training_panel", "epoch", "a plot's axis"))
    item.setLabel("left", unit)
    item.getAxis("left").enableAutoSIPrefix(False)  # "loss (x0.001)" puzzles people
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setClipToView(True)
    item.setDownsampling(auto=True, mode="peak")
    item.getViewBox().setMouseEnabled(x=True, y=False)
    hint = pg.TextItem(QCoreApplication.translate("training_panel", "The curves appear here once training starts."),
                       anchor=(0.5, 0.5))
    hint.setPos(0.5, 0.5)
    item.addItem(hint, ignoreBounds=True)
    widget.hint = hint
    return widget


class TrainingPanel(QWidget):
    """Runs a training and shows it.

    Signals
    -------
    start_requested()
        The user clicked Start (the main window builds the settings and calls :meth:`start`).
    run_started(object)
        A run began with these :class:`~catdog_gui.core.recipes.Settings`.
    run_finished(object)
        The run's :class:`~catdog_gui.core.training.Finished` record (also when stopped).
    run_failed(str, str)
        The run ended with an error: the message for people, and the details.
    busy_changed(bool)
        A run started (True) or ended (False).
    controls_changed()
        Start, Pause or Stop was enabled or disabled, or Pause now says Resume (or back): the window's
        Training menu follows them.
    """

    start_requested = Signal()
    run_started = Signal(object)
    run_finished = Signal(object)
    run_failed = Signal(str, str)
    busy_changed = Signal(bool)
    controls_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._run = TaskSlot(self)  # a run in this process
        self._child: ChildRun | None = None  # a run on several GPUs, in a separate process
        self._training = None
        self.settings = None
        self.last_finished = None
        self._status = None  # the latest record to show in the progress bars, at the next tick
        self._paused_text = ""
        self._best: tuple[float, float] | None = None  # (validation accuracy, epoch) of the best epoch so far
        self.ready_reason = self.tr("Loading the training engine…")
        self._timer = QTimer(self)
        self._timer.setInterval(STATUS_MS)
        self._ticks = 0
        self._timer.timeout.connect(self._on_timer_timeout)
        self._build()
        self._set_busy(False)

    # ---- building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(page_header(
            self.tr("3  Train"),
            self.tr("Start the run and watch it learn: the curves show how well the model does on the photos it "
                    "learns from (training) and on photos it never learns from (validation)."),
        ))
        controls = QHBoxLayout()
        self.start_button = QPushButton(self.tr("▶  St&art training"))
        self.start_button.setAccessibleName(self.tr("Start training"))  # the symbol is not read out
        self.start_button.clicked.connect(self._on_start_clicked)
        bold(self.start_button)
        self.pause_button = QPushButton(self.tr("&Pause"))
        self.pause_button.clicked.connect(self._on_pause_clicked)
        self.stop_button = QPushButton(self.tr("■  St&op"))
        self.stop_button.setAccessibleName(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("End the run now; the best model so far is kept"))
        self.stop_button.clicked.connect(self._on_stop_clicked)
        for button in (self.start_button, self.pause_button, self.stop_button):
            button.setMinimumWidth(110)
            controls.addWidget(button)
        self.ready_label = QLabel()
        mute(self.ready_label)
        self.ready_label.setWordWrap(True)
        controls.addWidget(self.ready_label, 1)
        layout.addLayout(controls)
        self.banner = Banner()
        layout.addWidget(self.banner)

        progress = QGroupBox(self.tr("Progress"))
        grid = QVBoxLayout(progress)
        self.phase_label = bold(QLabel(self.tr("Not started.")))
        grid.addWidget(self.phase_label)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("This step:")))
        self.step_bar = QProgressBar()
        self.step_bar.setTextVisible(True)
        row.addWidget(self.step_bar, 1)
        row.addSpacing(12)
        row.addWidget(QLabel(self.tr("Whole run:")))
        self.run_bar = QProgressBar()
        self.run_bar.setRange(0, RUN_BAR_STEPS)
        self.run_bar.setTextVisible(True)
        row.addWidget(self.run_bar, 1)
        grid.addLayout(row)
        self.rate_label = QLabel(" ")
        grid.addWidget(self.rate_label)
        # How the run reads its photos (pixel cache, streamed, features) and cache entries computed again.
        self.notes_label = QLabel()
        mute(self.notes_label)
        self.notes_label.setWordWrap(True)
        grid.addWidget(self.notes_label)
        layout.addWidget(progress)

        plots = QHBoxLayout()
        self.loss_plot = _plot(self.tr("Loss (lower is better)"), self.tr("loss", "a plot's axis"))
        self.accuracy_plot = _plot(self.tr("Accuracy (higher is better)"), self.tr("accuracy", "a plot's axis"))
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.accuracy_plot)
        layout.addLayout(plots, 1)
        # One legend for both plots, outside them, so it never hides a curve.
        self.legend = QLabel()
        self.legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.legend)
        self.series: dict[str, Series] = {}
        for plot, key in ((self.loss_plot, "loss"), (self.accuracy_plot, "accuracy")):
            item = plot.getPlotItem()
            # Thousands of points, redrawn while training: no antialiasing (half the drawing time).
            self.series[f"batch_{key}"] = Series(item.plot(antialias=False, skipFiniteCheck=True))
            self.series[key] = Series(item.plot(symbol="o", symbolSize=6, symbolPen=None))
            self.series[f"val_{key}"] = Series(item.plot(symbol="s", symbolSize=6, symbolPen=None))
        self._phase_lines: list[tuple[pg.PlotWidget, pg.InfiniteLine]] = []
        colours.follow_palette(self, self._apply_colours)
        self.loss_plot.setAccessibleName(self.tr("Loss per epoch"))
        self.accuracy_plot.setAccessibleName(self.tr("Accuracy per epoch"))
        self._total_epochs = None
        self._describe_plots()

    def _apply_colours(self, palette) -> None:
        """Plots, curves and legend in the palette's colours (again when the system switches light/dark)."""
        train, validation = colours.series_colour(palette, 0), colours.series_colour(palette, 1)
        batch = colours.faded_series_colour(palette, 0)
        muted = colours.plot_muted_text(palette)
        for plot in (self.loss_plot, self.accuracy_plot):
            colour_plot(plot, palette)
            plot.hint.setColor(muted)
        for key in ("loss", "accuracy"):
            self.series[f"batch_{key}"].curve.setPen(pg.mkPen(batch, width=1))
            for series, colour in ((self.series[key], train), (self.series[f"val_{key}"], validation)):
                series.curve.setPen(pg.mkPen(colour, width=2))
                series.curve.setSymbolBrush(colour)
        for _, line in self._phase_lines:
            line.setPen(pg.mkPen(muted, style=Qt.PenStyle.DashLine))
            line.label.setColor(muted)
        self.legend.setText(legend_html([
            (train, "solid", self.tr("training, each epoch")),
            (batch, "thin", self.tr("training, each batch (smoothed)")),
            (validation, "solid", self.tr("validation, each epoch")),
        ]))

    # ---- control

    def set_ready(self, ready: bool, reason: str = "") -> None:
        """Whether a run can start now, and if not, why (shown beside Start)."""
        self.ready_reason = "" if ready else reason
        self._set_busy(self.busy)

    @property
    def busy(self) -> bool:
        return self._run.busy or self._child is not None

    @property
    def _worker(self):
        """The worker of the run going on in this process (None when idle), for tests and benchmarks that listen."""
        return self._run.worker

    @property
    def run_dir(self) -> str | None:
        """The folder of the run going on (None when idle)."""
        return str(self._training.run_dir) if self._training is not None else None

    @property
    def best_epoch(self) -> int | None:
        """The epoch of the best validation accuracy of the run going on or last ended (None before one)."""
        return round(self._best[1]) if self._best else None

    @property
    def skipped(self) -> list:
        """The files the run going on left out so far (some are found only when decoded)."""
        if self._training is None or self._training.dataset is None:  # no run, or its photos not loaded yet
            return []
        return list(self._training.dataset.skipped)

    def start(self, settings) -> None:
        """Start a run of ``settings`` in a worker thread."""
        if not self.busy:
            self._launch(core.training.Training(settings))

    def start_on_gpus(self, settings, gpus: int, runs_dir) -> None:
        """Start a run of ``settings`` on ``gpus`` GPUs in a separate process (torchrun) that writes
        into ``runs_dir``; the Runs step shows it as running elsewhere, with its curves."""
        if self.busy:
            return
        self.settings = settings
        self.last_finished = None
        child = ChildRun(settings, gpus, runs_dir, self)
        child.ended.connect(self._on_child_ended)
        self._child = child
        self._reset_view(settings)
        self.phase_label.setText(self.tr("Training on %n GPUs in a separate process…", "", gpus))
        self.banner.show_message(self.tr("Training on %n GPUs in a separate process; its curves appear in step 6 "
                                         "(Runs) as it runs.", "", gpus), "info")
        self._set_busy(True)
        self.busy_changed.emit(True)
        child.start()

    def resume(self, run_dir: str, history: list[dict]) -> None:
        """Continue an unfinished run from its last finished epoch; ``history`` (its metrics.csv rows)
        puts the epochs it already has back on the curves. Raises UserError for a folder that cannot go on."""
        if not self.busy:
            self._launch(core.training.Training.resume(run_dir), history)

    def _launch(self, training, history: list[dict] = ()) -> None:
        settings = training.settings
        self.settings = settings
        self.last_finished = None
        self._training = training
        # Batches of a small head can come thousands a second: hand them over a few times a second.
        self._run.start(training.run, controller=training, name="training", coalesce_ms=COALESCE_MS,
                        urgent=_is_urgent, nice=BACKGROUND_NICE, yielded_many=self._on_yielded_many,
                        errored=self._on_errored, finished=self._on_finished, paused=self._on_paused,
                        resumed=self._on_resumed)
        self._reset_view(settings)
        self._show_history(history)
        self._set_busy(True)
        self.busy_changed.emit(True)
        self._started_at = time.perf_counter()
        self._ticks, self._next_redraw = 0, REDRAW_EVERY
        self._cpu_mark, self._wall_mark = time.thread_time(), self._started_at
        self._timer.start()
        self.run_started.emit(settings)

    def stop(self, wait: bool = False) -> None:
        """End the run at the next batch; the best model so far is kept. A run in a separate process
        is terminated (killed a few seconds later if need be); with ``wait``, it is gone on return."""
        if self._child is not None:
            self.phase_label.setText(self.tr("Stopping…"))
            self.stop_button.setEnabled(False)
            self._child.stop(wait)
        elif self._run.busy:
            self.phase_label.setText(self.tr("Stopping…"))
            self._run.request_stop()
            self.pause_button.setEnabled(False)
            self.stop_button.setEnabled(False)
        self.controls_changed.emit()

    def toggle_pause(self) -> None:
        if self._run.busy:
            self._run.worker.toggle_pause()

    def _on_start_clicked(self) -> None:
        self.start_requested.emit()

    def _on_pause_clicked(self) -> None:
        self.toggle_pause()

    def _on_stop_clicked(self) -> None:
        self.stop()

    def _on_paused(self) -> None:
        self.pause_button.setText(self.tr("&Resume"))
        self._paused_text = self.phase_label.text()
        self.phase_label.setText(i18n.fill(self.tr("Paused: %1"), self._paused_text))
        self.controls_changed.emit()

    def _on_resumed(self) -> None:
        self.pause_button.setText(self.tr("&Pause"))
        self.phase_label.setText(self._paused_text)
        self.controls_changed.emit()

    def _set_busy(self, busy: bool) -> None:
        """The one place that enables and disables the controls, for a run going on or none."""
        self.start_button.setEnabled(not busy and not self.ready_reason)
        self.pause_button.setEnabled(busy and self._child is None)  # a child process cannot be paused
        self.stop_button.setEnabled(busy)
        if not busy:
            self.pause_button.setText(self.tr("&Pause"))
        if busy:
            self.ready_label.setText("")
        else:
            self.ready_label.setText(self.ready_reason)
        self.controls_changed.emit()

    # ---- the run's records

    def _reset_view(self, settings) -> None:
        self.banner.hide()
        for series in self.series.values():
            series.clear()
            series.draw()
        for plot, line in self._phase_lines:
            plot.removeItem(line)
        self._phase_lines = []
        self._smoothers = {"loss": Smoother(), "accuracy": Smoother()}
        self._offset = 0  # epochs of earlier phases, so fine-tuning continues the x-axis
        self._epochs_done = 0
        self._earlier_epochs: dict[str, int] = {}  # per phase, epochs done before a resumed run went on
        self._total_epochs = settings.epochs + (settings.head_epochs if settings.fine_tune_lr is not None else 0)
        self._best = None
        self._status = None
        self.step_bar.setRange(0, 1)
        self.step_bar.setValue(0)
        self.step_bar.setFormat("")
        self.run_bar.setValue(0)
        self.run_bar.setFormat("")
        self.rate_label.setText(" ")
        self.notes_label.clear()
        self.phase_label.setText(self.tr("Starting…"))
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.hint.hide()
            item = plot.getPlotItem()
            # The whole run's width from the start: the x axis never changes (no redrawing of it)
            # and the curves show how far the run has come.
            item.enableAutoRange(y=True)
            item.disableAutoRange(axis="x")
            item.setXRange(0, max(1, self._total_epochs), padding=0.02)
        self._describe_plots()

    def _show_history(self, history: list[dict]) -> None:
        """The epochs a resumed run already has, drawn as they were when it ran."""
        for row in history:
            phase = row.get("phase", TRAINING)
            self._earlier_epochs[phase] = self._earlier_epochs.get(phase, 0) + 1
            x = self._epochs_done + 1
            for key in METRICS_NEEDED:
                self.series[key].append(x, float(row[key]))
            if self._best is None or float(row["val_accuracy"]) > self._best[0]:
                self._best = (float(row["val_accuracy"]), x)
            self._epochs_done += 1
        self._draw_curves()
        self._describe_plots()

    def _on_yielded_many(self, records: list) -> None:
        for record in records:
            self._take(record)

    def _take(self, record) -> None:
        if isinstance(record, Notice):
            notice = core_text(record.text, NOTICES)
            self.notes_label.setText("\n".join(filter(None, [self.notes_label.text(), notice])))
        elif isinstance(record, BatchDone):
            x = self._offset + record.epoch - 1 + record.batch / record.batches
            self.series["batch_loss"].append(x, self._smoothers["loss"](record.loss))
            self.series["batch_accuracy"].append(x, self._smoothers["accuracy"](record.accuracy))
            self._status = record
        elif isinstance(record, EpochDone):
            x = self._offset + record.epoch
            self.series["loss"].append(x, record.loss)
            self.series["accuracy"].append(x, record.accuracy)
            self.series["val_loss"].append(x, record.val_loss)
            self.series["val_accuracy"].append(x, record.val_accuracy)
            self._epochs_done += 1
            if record.improved:
                self._best = (record.val_accuracy, self._offset + record.epoch)
            self._status = record
            self._describe_plots()
        elif isinstance(record, Progress):
            self._status = record
        elif isinstance(record, PhaseStarted):
            self._on_phase_started(record)
        elif isinstance(record, Finished):
            self.last_finished = record

    def _on_phase_started(self, record) -> None:
        if record.phase in EPOCH_PHASES:
            self._offset = self._epochs_done - self._earlier_epochs.get(record.phase, 0)
            if record.phase == FINE_TUNING:
                muted = colours.plot_muted_text(colours.inherited_palette(self))
                for plot in (self.loss_plot, self.accuracy_plot):
                    line = pg.InfiniteLine(self._offset, angle=90, pen=pg.mkPen(muted, style=Qt.PenStyle.DashLine),
                                           label=self.tr("fine-tuning", "the mark on the plots where it starts"),
                                           labelOpts={"position": 0.9, "color": muted})
                    plot.addItem(line)
                    self._phase_lines.append((plot, line))
        self.phase_label.setText(i18n.fill(self.tr("%1…", "a phase of the run going on"), phase_title(record)))
        self._status = None
        self.step_bar.setRange(0, 1)
        self.step_bar.setValue(0)
        self.step_bar.setFormat("")

    def _on_timer_timeout(self) -> None:
        """Show what arrived since the last tick (a few times a second, whatever the batch rate)."""
        self._ticks += 1
        if self._ticks >= self._next_redraw:
            self._draw_curves()
            self._next_redraw = self._ticks + self._redraw_gap()
        self._show_status()

    def _redraw_gap(self) -> int:
        """Ticks until the next redraw, from the window thread's share of its time since the last one."""
        cpu, wall = time.thread_time(), time.perf_counter()
        share = (cpu - self._cpu_mark) / max(1e-3, wall - self._wall_mark)
        self._cpu_mark, self._wall_mark = cpu, wall
        if share <= MAIN_THREAD_BUDGET:
            return REDRAW_EVERY
        return min(MAX_REDRAW_EVERY, round(REDRAW_EVERY * share / MAIN_THREAD_BUDGET))

    def _draw_curves(self) -> None:
        for series in self.series.values():
            series.draw()

    def _describe_plots(self) -> None:
        """Each plot's latest values, for screen readers: set at epoch ends only (cheap)."""
        for plot, key in ((self.loss_plot, "loss"), (self.accuracy_plot, "accuracy")):
            training, validation = self.series[key].last(), self.series[f"val_{key}"].last()
            if training is None or validation is None:
                text = epoch_values_text(plot.accessibleName(), None, None, 0)
            else:
                text = epoch_values_text(plot.accessibleName(), training[1], validation[1], round(training[0]),
                                         self._total_epochs)
            plot.setAccessibleDescription(text)

    def _show_status(self) -> None:
        record, self._status = self._status, None
        if record is None:
            return
        if isinstance(record, Progress):
            self.step_bar.setRange(0, max(1, record.total))
            self.step_bar.setValue(record.done)
            self.step_bar.setFormat(i18n.fill(self.tr("%1: %2 / %3 photos"), progress_phase(record.phase),
                                              i18n.format_number(record.done), i18n.format_number(record.total)))
            self.rate_label.setText(i18n.fill(self.tr("%1 photos/s · this step ends in about %2"),
                                              i18n.format_number(round(record.images_per_second)),
                                              format_duration(record.eta_seconds)))
            return
        done_in_phase = record.epoch - 1 + (record.batch / record.batches if isinstance(record, BatchDone) else 1)
        if isinstance(record, BatchDone):
            self.step_bar.setRange(0, record.batches)
            self.step_bar.setValue(record.batch)
            self.step_bar.setFormat(i18n.fill(self.tr("Epoch %1 of %2: batch %3 / %4"), record.epoch, record.epochs,
                                              i18n.format_number(record.batch), i18n.format_number(record.batches)))
        else:
            self.step_bar.setRange(0, 1)
            self.step_bar.setValue(1)
            self.step_bar.setFormat(i18n.fill(self.tr("Epoch %1 of %2 done"), record.epoch, record.epochs))
        whole = (self._offset + done_in_phase) / max(1, self._total_epochs)
        self.run_bar.setValue(round(RUN_BAR_STEPS * min(1.0, whole)))
        self.run_bar.setFormat(i18n.format_percent(whole))
        self.rate_label.setText(" · ".join(self._rate_parts(record)))

    def _rate_parts(self, record) -> list[str]:
        """The speed, the time left and spent, and the best epoch so far, of a batch or epoch record."""
        parts = [i18n.fill(self.tr("%1 images/s"), i18n.format_number(round(record.images_per_second)))]
        if math.isfinite(record.eta_seconds):
            parts.append(i18n.fill(self.tr("about %1 left in this phase"), format_duration(record.eta_seconds)))
        parts.append(i18n.fill(self.tr("elapsed %1"), format_duration(time.perf_counter() - self._started_at)))
        if self._best is not None:
            parts.append(i18n.fill(self.tr("best validation accuracy so far %1 (epoch %2)"),
                                   i18n.format_percent(self._best[0], 1), self._best[1]))
        return parts

    def _on_errored(self, error) -> None:
        message = describe_error(error)
        self.banner.show_message(i18n.fill(self.tr("Training failed: %1"), message), "error")
        self.phase_label.setText(self.tr("Failed."))
        self.run_failed.emit(message, getattr(error, "details", ""))

    def _on_child_ended(self, code: int, message: str) -> None:
        child = self.sender()
        if child is not self._child:
            return
        self._child = None
        if child.stopping:
            self.phase_label.setText(self.tr("Stopped."))
            self.banner.show_message(self.tr("Stopped. What the run learnt so far is kept in step 6 (Runs), where it "
                                             "can be continued."), "warning")
        elif code == 0:
            self.phase_label.setText(self.tr("Finished."))
            self.banner.show_message(self.tr("The run on %n GPUs finished: its results are in step 6 (Runs).", "",
                                             child.gpus), "success")
        else:
            self.phase_label.setText(self.tr("Failed."))
            self.banner.show_message(i18n.fill(self.tr("Training failed: %1"), message), "error")
        self._set_busy(False)
        self.busy_changed.emit(False)
        if message:
            self.run_failed.emit(message, child.details)
        child.deleteLater()

    def _on_finished(self) -> None:
        self._timer.stop()
        self._draw_curves()  # the last points
        self._show_status()
        self._training = None
        finished = self.last_finished
        if finished is not None:
            self._show_summary(finished)
        self._set_busy(False)
        self.busy_changed.emit(False)
        if finished is not None:
            self.run_finished.emit(finished)

    def _show_summary(self, finished) -> None:
        elapsed = format_duration(time.perf_counter() - self._started_at)
        if finished.model_path is None:
            text = self.tr("Stopped before the first epoch ended, so no model was saved.")
            kind = "warning"
            self.phase_label.setText(self.tr("Stopped."))
        else:
            text = self._summary_text(finished, elapsed)
            kind = "warning" if finished.stopped else "success"
            self.phase_label.setText(self.tr("Stopped.") if finished.stopped else
                                     self.tr("Stopped early (no progress).") if finished.early_stopped else
                                     self.tr("Finished."))
            if not finished.stopped:
                self.run_bar.setValue(RUN_BAR_STEPS)
                self.run_bar.setFormat(i18n.format_percent(1.0))
        self.step_bar.setRange(0, 1)
        self.step_bar.setValue(1 if not finished.stopped else 0)
        self.step_bar.setFormat(self.tr("done", "the step bar after the run") if not finished.stopped else
                                self.tr("stopped", "the step bar after the run"))
        parts = [] if finished.seconds_per_epoch is None else [
            i18n.fill(self.tr("%1 per epoch"), format_duration(finished.seconds_per_epoch))]
        parts += [self.tr("%n epoch(s)", "", finished.epochs), i18n.fill(self.tr("total %1"), elapsed),
                  i18n.fill(self.tr("on %1", "the device the run trained on"), core_text(finished.device, DEVICES))]
        self.rate_label.setText(" · ".join(parts))
        self.banner.show_message(text, kind)

    def _summary_text(self, finished, elapsed: str) -> str:
        """How a run that saved a model ended, its accuracies, and where its model is."""
        epochs = finished.epochs
        if finished.stopped:
            how = self.tr("Stopped after %n epoch(s) in %1", "", epochs)
        elif finished.early_stopped:
            how = self.tr("Stopped early (no progress) after %n epoch(s) in %1", "", epochs)
        else:
            how = self.tr("Finished after %n epoch(s) in %1", "", epochs)
        best = i18n.format_percent(finished.best_val_accuracy, 1)
        results = [i18n.fill(self.tr("best validation accuracy %1 (epoch %2)"), best, self._best[1]) if self._best
                   else i18n.fill(self.tr("best validation accuracy %1"), best)]
        if finished.test_accuracy is not None:
            results.append(i18n.fill(self.tr("test accuracy %1"), i18n.format_percent(finished.test_accuracy, 1)))
        kept = i18n.fill(self.tr("The best model is kept as %1 in %2."), Path(finished.model_path).name,
                         finished.run_dir)
        return i18n.fill(self.tr("%1: %2. %3", "how the run ended: its accuracies. Where its model is kept"),
                         i18n.fill(how, elapsed), ", ".join(results), kept)
