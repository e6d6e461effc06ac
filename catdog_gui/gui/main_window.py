"""The main window: the six steps in order, a menu, and a status bar that always names the device.

It wires the panels together (docs/ARCHITECTURE.md, "Layers and data flow"); to add a step, see
"How to add a panel" there.
"""

from __future__ import annotations

import gc
import platform
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, QSettings, Qt, Signal, qVersion
from PySide6.QtGui import QAction, QActionGroup, QDragEnterEvent, QDropEvent, QFontMetrics, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import __version__, core
from .data_panel import DataPanel
from ..core.memory import share_one_malloc_arena
from ..core.runs import latest_run_model
from .engine import load_engine
from .evaluation_panel import EvaluationPanel
from .language_menu import LanguageMenu, restart_when_quitting
from .notifier import RunNotifier
from .predictor_panel import PredictorPanel, local_paths
from .runs_panel import RunsPanel
from .settings import Setting, open_settings, restore_settings, store_settings
from .strategy_panel import StrategyPanel
from .training_panel import DEVICES, TrainingPanel, core_text
from . import colours, i18n
from .widgets import PaddedItemDelegate, describe_error
from .worker import start_task, stop_all_workers

APP_NAME = "catdog-gui"
# The steps' titles, translated where shown (see MainWindow.step_title).
STEPS = (QT_TRANSLATE_NOOP("MainWindow", "Photos"), QT_TRANSLATE_NOOP("MainWindow", "Strategy"),
         QT_TRANSLATE_NOOP("MainWindow", "Train"), QT_TRANSLATE_NOOP("MainWindow", "Evaluate"),
         QT_TRANSLATE_NOOP("MainWindow", "Classify"), QT_TRANSLATE_NOOP("MainWindow", "Runs"))
DATA, STRATEGY, TRAIN, EVALUATE, PREDICT, RUNS = range(6)
# Keys that always work in the window; Ctrl+1 to Ctrl+6 go to the steps.
START_KEY, PAUSE_KEY, STOP_KEY = "Ctrl+Return", "Ctrl+P", "Ctrl+."
EXPORT_FILTERS = {"ONNX (*.onnx)": "onnx", "torch.export (*.pt2)": "pt2", "TorchScript (*.pt)": "torchscript"}
EXPORT_SUFFIXES = {".onnx": "onnx", ".pt2": "pt2", ".pt": "torchscript", ".pth": "torchscript"}
DEVICE_TOOLTIP = QT_TRANSLATE_NOOP("MainWindow", "Where training and predictions run")
# The device label's marker; its tooltip says why.
GPU_NOT_USABLE = QT_TRANSLATE_NOOP("MainWindow", "⚠ NVIDIA GPU not usable")
VERSIONED_PACKAGES = ("PySide6-Essentials", "pyqtgraph", "torch", "torchvision", "timm", "numpy", "pillow",
                      "safetensors", "onnx")


def export_job(model_path: str, fmt: str, out: str) -> str:
    """Export the model file to ``out`` in ``fmt``; the path written (runs in a worker: loads torch)."""
    return str(core.export.export_model(model_path, fmt, out))


def export_format(out: str, chosen_filter: str) -> str:
    """The format to export to ``out``: its suffix says, else the save dialog's chosen filter, else ONNX."""
    return EXPORT_SUFFIXES.get(Path(out).suffix.lower()) or EXPORT_FILTERS.get(chosen_filter, "onnx")


def is_model_file(path: str) -> bool:
    """Whether ``path`` names a model file (by its name: it is read only when opened)."""
    return Path(path).suffix.lower() == ".safetensors" and not Path(path).is_dir()


def versions() -> dict[str, str]:
    """Versions of the app and what it runs on, without importing anything heavy."""
    found = {APP_NAME: __version__, "Python": platform.python_version(), "Qt": qVersion()}
    for name in VERSIONED_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


class MainWindow(QMainWindow):
    """Leads through the steps: photos, strategy, training, evaluation, classifying, runs.

    Signals
    -------
    engine_loaded(object)
        The training engine is imported; the :class:`~catdog_gui.gui.engine.EngineInfo`.
    """

    settings_group = "window"
    geometry_state = Setting("")
    step = Setting(0)

    engine_loaded = Signal(object)

    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        share_one_malloc_arena()  # before the first worker thread starts
        self.qsettings = settings if settings is not None else open_settings()
        self.engine = None
        self.error_box: QMessageBox | None = None
        self.model_path: str | None = None
        self._evaluate_on_load = False
        self.model_dialog: QFileDialog | None = None  # asks for a model when photos come without one
        self._paths_waiting: list[list[str]] = []  # photos and models to open once the engine is loaded
        self.ask_before_quitting = True  # whether closing during a run asks first (off for unattended use)
        self.notifier = RunNotifier(self)  # says when a run ends, in case the user looks elsewhere
        self.setWindowTitle(self.tr("catdog-gui: teach the computer to tell your photos apart"))
        self.setAcceptDrops(True)
        self._build()
        self._build_menu()
        self._connect()
        self._restore()
        self._set_busy(False)
        self._load_engine()

    # ---- building

    def _build(self) -> None:
        self.data_panel = DataPanel()
        self.strategy_panel = StrategyPanel()
        self.training_panel = TrainingPanel()
        self.evaluation_panel = EvaluationPanel()
        self.predictor_panel = PredictorPanel()
        self.runs_panel = RunsPanel()
        self.panels = [self.data_panel, self.strategy_panel, self.training_panel, self.evaluation_panel,
                       self.predictor_panel, self.runs_panel]

        central = QWidget()
        outer = QHBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 6)
        self.steps = QListWidget()
        self.steps.addItems([self.step_title(index) for index in range(len(STEPS))])
        self.steps.setAccessibleName(self.tr("Steps"))
        for row in range(len(STEPS)):
            self.steps.item(row).setData(Qt.ItemDataRole.AccessibleTextRole, self.step_name(row))
        self.steps.setFrameShape(QFrame.Shape.NoFrame)
        font = self.steps.font()
        font.setPointSizeF(11)
        self.steps.setFont(font)
        self.steps.setItemDelegate(PaddedItemDelegate(8, 10, self.steps))
        self.steps.setFixedWidth(self._steps_width())
        colours.follow_palette(self.steps, self._apply_step_colours)
        outer.addWidget(self.steps)
        right = QVBoxLayout()
        self.stack = QStackedWidget()
        for panel in self.panels:
            self.stack.addWidget(panel)
        right.addWidget(self.stack, 1)
        footer = QHBoxLayout()
        self.hint_label = QLabel()
        colours.follow_palette(self.hint_label, lambda palette: colours.set_text_colour(
            self.hint_label, colours.accent_text(palette)))
        footer.addWidget(self.hint_label, 1)
        self.back_button = QPushButton(self.tr("← &Back"))
        self.back_button.setAccessibleName(self.tr("Back"))  # the arrow is not read out
        self.back_button.clicked.connect(self._on_back_clicked)
        self.next_button = QPushButton(self.tr("&Next →"))
        self.next_button.clicked.connect(self._on_next_clicked)
        self.back_button.setMinimumWidth(100)
        self.next_button.setMinimumWidth(180)
        footer.addWidget(self.back_button)
        footer.addWidget(self.next_button)
        right.addLayout(footer)
        outer.addLayout(right, 1)
        self.setCentralWidget(central)

        self.device_label = QLabel(self.tr("Device: detecting…"))
        self.device_label.setToolTip(QCoreApplication.translate("MainWindow", DEVICE_TOOLTIP))
        self.statusBar().addPermanentWidget(self.device_label)
        self.resize(1280, 820)

    def step_title(self, index: int) -> str:
        """Step ``index``'s title as the step list shows it: ``"1  Photos"``."""
        return f"{index + 1}  {QCoreApplication.translate('MainWindow', STEPS[index])}"

    def step_name(self, index: int) -> str:
        """Step ``index`` as read out by screen readers: ``"Step 1: Photos"``."""
        return i18n.fill(self.tr("Step %1: %2"), index + 1, QCoreApplication.translate("MainWindow", STEPS[index]))

    def _steps_width(self) -> int:
        """The step list's width: 150 pixels, or room for the longest title where a language needs more."""
        metrics = QFontMetrics(self.steps.font())
        widest = max(metrics.horizontalAdvance(self.steps.item(row).text()) for row in range(self.steps.count()))
        return max(150, widest + 2 * 8 + 24)  # the delegate's padding, the item's own margins

    def _apply_step_colours(self, palette: QPalette) -> None:
        """The step list as a column of its own, the step shown in the selection colours (kept when the
        window is inactive, so that it always says where the user is)."""
        own = self.steps.palette()
        own.setColor(QPalette.ColorRole.Base, colours.sidebar_background(palette))
        highlight, text = colours.selection_colours(palette)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            own.setColor(group, QPalette.ColorRole.Highlight, highlight)
            own.setColor(group, QPalette.ColorRole.HighlightedText, text)
        self.steps.setPalette(own)

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.open_dataset_action = self._action(file_menu, self.tr("Open &dataset…"), QKeySequence.StandardKey.Open,
                                                self._on_open_dataset_triggered)
        self.open_model_action = self._action(file_menu, self.tr("Open &model…"), "Ctrl+M",
                                              self._on_open_model_triggered)
        self.export_action = self._action(file_menu, self.tr("&Export model…"), "Ctrl+E", self._on_export_triggered)
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, self.tr("&Quit"), QKeySequence.StandardKey.Quit,
                                        self._on_quit_triggered)
        self._build_go_menu()
        self._build_training_menu()
        self._build_settings_menu()
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.about_action = self._action(help_menu, self.tr("&About catdog-gui"), None, self._on_about_triggered)

    def _build_go_menu(self) -> None:
        """One entry per step, Ctrl+1 to Ctrl+6, checked at the step shown; the step list says the keys."""
        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        group = QActionGroup(self)
        self.step_actions = []
        for index in range(len(STEPS)):  # the step's number is its mnemonic, in every language
            action = self._action(go_menu, f"&{self.step_title(index)}", f"Ctrl+{index + 1}",
                                  self._on_step_action_triggered)
            action.setData(index)
            action.setCheckable(True)
            group.addAction(action)
            self.step_actions.append(action)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            item = self.steps.item(index)
            item.setToolTip(i18n.fill(self.tr("%1 (%2)", "a step, then its keyboard shortcut"),
                                      self.step_name(index), keys))
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole,
                         i18n.fill(self.tr("Keyboard shortcut %1"), keys))

    def _build_training_menu(self) -> None:
        """Start, Pause and Stop of step 3, enabled as its buttons are (see _on_training_controls_changed)."""
        menu = self.menuBar().addMenu(self.tr("&Training"))
        self.start_action = self._action(menu, self.tr("&Start training"), START_KEY, self._on_start_action_triggered)
        self.pause_action = self._action(menu, self.tr("&Pause"), PAUSE_KEY, self._on_pause_action_triggered)
        self.stop_action = self._action(menu, self.tr("St&op"), STOP_KEY, self._on_stop_action_triggered)
        panel = self.training_panel
        for action, button in ((self.start_action, panel.start_button), (self.pause_action, panel.pause_button),
                               (self.stop_action, panel.stop_button)):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            shortcut = i18n.fill(self.tr("Keyboard shortcut: %1"), keys)
            button.setToolTip("\n".join(filter(None, [button.toolTip(), shortcut])))

    def _build_settings_menu(self) -> None:
        """Settings ▸ Language: the language of the next start (see language_menu)."""
        menu = self.menuBar().addMenu(self.tr("&Settings"))
        self.language_menu = LanguageMenu(self.qsettings, self)
        self.language_menu.restart_requested.connect(self._on_language_restart_requested)
        menu.addMenu(self.language_menu)

    def _on_language_restart_requested(self) -> None:
        """Close as Quit does (a run asks first) and start again, in the language saved."""
        if self.close():
            restart_when_quitting()

    def _action(self, menu, text: str, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _connect(self) -> None:
        self.steps.currentRowChanged.connect(self._on_steps_current_row_changed)
        self.data_panel.dataset_loaded.connect(self._on_dataset_loaded)
        self.strategy_panel.changed.connect(self._on_strategy_changed)
        self.training_panel.start_requested.connect(self._on_start_requested)
        self.training_panel.run_started.connect(self._on_run_started)
        self.training_panel.run_finished.connect(self._on_run_finished)
        self.training_panel.run_failed.connect(self._on_run_failed)
        self.training_panel.busy_changed.connect(self._on_busy_changed)
        self.training_panel.controls_changed.connect(self._on_training_controls_changed)
        self._on_training_controls_changed()  # the panel set its buttons before this connection
        self.predictor_panel.model_loaded.connect(self._on_model_loaded)
        self.runs_panel.model_opened.connect(self._on_run_model_opened)
        self.runs_panel.export_requested.connect(self._on_export_requested)
        self.runs_panel.resume_requested.connect(self._on_resume_requested)
        self.runs_panel.train_more_requested.connect(self._on_train_more_requested)
        self.engine_loaded.connect(self._on_engine_loaded)

    # ---- settings

    def _restore(self) -> None:
        restore_settings(self, self.qsettings)
        for panel in self.panels:
            restore_settings(panel, self.qsettings)
        if self.geometry_state:
            self.restoreGeometry(QByteArray.fromBase64(self.geometry_state.encode()))
        self.show_step(self.step if 0 <= self.step < len(STEPS) else DATA)
        if self.data_panel.last_folder and Path(self.data_panel.last_folder).is_dir():
            self.data_panel.open_folder(self.data_panel.last_folder)

    def save_settings(self) -> None:
        """Write the window's and every panel's settings (also done on closing)."""
        self.geometry_state = bytes(self.saveGeometry().toBase64()).decode()
        self.step = self.stack.currentIndex()
        store_settings(self, self.qsettings)
        for panel in self.panels:
            store_settings(panel, self.qsettings)
        self.qsettings.sync()

    # ---- the engine

    def _load_engine(self) -> None:
        self.statusBar().showMessage(self.tr("Loading the training engine…"))
        start_task(load_engine, name="load engine", returned=self._on_engine_returned, errored=self._on_engine_errored)

    def _on_engine_returned(self, engine) -> None:
        # Torch, timm and Qt leave some 400,000 long-lived objects; a full garbage collection that
        # walks them all holds the interpreter for a quarter of a second, and happens during runs.
        # Frozen, they are left out of every later collection.
        gc.freeze()
        self.engine = engine
        self._show_device(engine)
        self.strategy_panel.set_engine(engine)
        if self.data_panel.dataset is not None:
            self.strategy_panel.set_dataset(self.data_panel.dataset)
        saved_model = self.predictor_panel.model_file
        if saved_model and Path(saved_model).is_file() and self.predictor_panel.predictor is None:
            self.predictor_panel.open_model(saved_model)
        self._update_ready()
        self.engine_loaded.emit(engine)

    def _show_device(self, engine) -> None:
        """The device in the status bar; an NVIDIA GPU that cannot be used is marked, and said why."""
        device = core_text(engine.device, DEVICES)  # "CPU (2 threads)" in the window's language
        if not engine.device_note:
            self.device_label.setText(i18n.fill(self.tr("Device: %1"), device))
            self.statusBar().showMessage(self.tr("Ready."), 3000)
            return
        marker = QCoreApplication.translate("MainWindow", GPU_NOT_USABLE)
        self.device_label.setText(i18n.fill(self.tr("Device: %1 — %2"), device, marker))
        # The note comes from the core, in English: it names drivers and versions (see gpu_check).
        tooltip = QCoreApplication.translate("MainWindow", DEVICE_TOOLTIP)
        self.device_label.setToolTip(f"{engine.device_note}\n\n{tooltip}")
        self.statusBar().showMessage(engine.device_note, 30_000)

    def _on_engine_errored(self, error) -> None:
        self.device_label.setText(self.tr("Device: unavailable"))
        text = i18n.fill(self.tr("%1\n\nThe photos can still be browsed; training and predicting need a working "
                                 "PyTorch installation."), describe_error(error))
        self.show_error(self.tr("The training engine could not be loaded"), text, getattr(error, "details", ""))

    # ---- steps

    def show_step(self, index: int) -> None:
        self.steps.setCurrentRow(index)

    def _on_steps_current_row_changed(self, index: int) -> None:
        if index < 0:
            return
        self.stack.setCurrentIndex(index)
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(index < len(STEPS) - 1)
        if index < len(STEPS) - 1:
            following = QCoreApplication.translate("MainWindow", STEPS[index + 1])
            self.next_button.setText(i18n.fill(self.tr("&Next: %1 →"), following))
            self.next_button.setAccessibleName(i18n.fill(self.tr("Next: %1"), following))  # the arrow is not read out
        self.step_actions[index].setChecked(True)
        self._update_hint()

    def _on_back_clicked(self) -> None:
        self.show_step(max(0, self.stack.currentIndex() - 1))

    def _on_next_clicked(self) -> None:
        self.show_step(min(len(STEPS) - 1, self.stack.currentIndex() + 1))

    def _on_step_action_triggered(self) -> None:
        self.show_step(self.sender().data())

    def _update_hint(self) -> None:
        index = self.stack.currentIndex()
        have_data = self.data_panel.dataset is not None
        trained = self.model_path is not None
        hints = {
            DATA: self._train_more_hint() or (self.tr("Next, choose how to train.") if have_data else
                                              self.tr("Start here: choose a folder of photos.")),
            STRATEGY: self.tr("Next, start training.") if have_data else self.tr("Choose your photos first (step 1)."),
            TRAIN: (self.tr("Training… you can look at the other steps meanwhile.") if self.training_panel.busy else
                    self.tr("Press Start to train.") if have_data and self.engine else
                    self.training_panel.ready_reason),
            EVALUATE: "" if trained else self.tr("Train a model first (step 3), or open a saved one "
                                                 "(File ▸ Open model)."),
            PREDICT: (self.tr("Drop photos here to classify them.") if trained else
                      self.tr("A model is needed: train one or open one.")),
            RUNS: self.tr("Select runs to compare their curves."),
        }
        self.hint_label.setText(hints.get(index, ""))

    # ---- data and training

    def _on_strategy_changed(self) -> None:
        self._update_hint()

    def _on_dataset_loaded(self, dataset) -> None:
        self.statusBar().showMessage(i18n.fill(self.tr("Loaded %1"), dataset.root), 5000)
        if self.engine is not None:
            self.strategy_panel.set_dataset(dataset)
        self._update_ready()

    def _update_ready(self) -> None:
        if self.engine is None:
            self.training_panel.set_ready(False, self.tr("Loading the training engine…"))
        elif self.data_panel.dataset is None:
            self.training_panel.set_ready(False, self.tr("Choose your photos first (step 1)."))
        else:
            self.training_panel.set_ready(True)
        self._update_hint()

    def _on_start_requested(self) -> None:
        dataset = self.data_panel.dataset
        if dataset is None or self.engine is None:
            return
        try:
            settings = self.strategy_panel.build_settings(dataset.root, subset=dataset.subset)
        except Exception as error:  # a value that makes no sense: say which, keep the window as it is
            self.show_error(self.tr("These settings cannot be used"), describe_error(error))
            return
        self.save_settings()
        gpus = self.strategy_panel.chosen_gpus()
        if gpus > 1:  # torchrun in a child process; the Runs step follows its run folder
            self.training_panel.start_on_gpus(settings, gpus, self.runs_panel.runs_dir())
            self.statusBar().showMessage(i18n.fill(self.tr("Training on %1 GPUs in a separate process…"), gpus),
                                         10000)
            self.show_step(RUNS)
        else:
            self.training_panel.start(settings)
            self.show_step(TRAIN)

    def _on_resume_requested(self, run) -> None:
        if self.engine is None or self.training_panel.busy:
            self.show_error(self.tr("Cannot continue now"), self._wait_for_engine_text())
            return
        try:
            self.training_panel.resume(str(run.path), run.history)
        except Exception as error:  # a folder that cannot go on: say why, change nothing
            self.show_error(self.tr("This run cannot be continued"), describe_error(error))
            return
        self.show_step(TRAIN)

    def _on_train_more_requested(self, run) -> None:
        """A new run is to start from the run's best model: chosen in step 2, photos next (step 1)."""
        if self.engine is None or self.training_panel.busy:
            self.show_error(self.tr("Cannot train more now"), self._wait_for_engine_text())
            return
        try:
            self.strategy_panel.set_start_from(run.model_path)
        except Exception as error:  # a damaged or foreign model: say why, change nothing
            self.show_error(self.tr("This model cannot be trained more"), describe_error(error))
            return
        self.show_step(DATA)
        self.statusBar().showMessage(i18n.fill(self.tr("The next run starts from %1"), run.path.name), 10000)

    def _wait_for_engine_text(self) -> str:
        return self.tr("Wait until the training engine is loaded and no run is going on.")

    def _train_more_hint(self) -> str:
        if not self.strategy_panel.start_from:
            return ""
        return self.tr("Training a model more: choose photos of every class it knows (new classes are welcome), "
                       "then Next.")

    def _on_run_started(self, settings) -> None:
        self.runs_panel.set_active_run(self.training_panel.run_dir)
        # The recipe's title is core's, registered for translation in strategy_panel (RECIPE_TEXTS).
        title = QCoreApplication.translate("strategy_panel", settings.recipe.title)
        self.statusBar().showMessage(i18n.fill(self.tr("Training with '%1'…"), title))

    def _on_busy_changed(self, busy: bool) -> None:
        self._set_busy(busy)

    def _set_busy(self, busy: bool) -> None:
        """The window's one switch between a run going on and none: what may change during a run."""
        self.data_panel.set_locked(busy)
        self.strategy_panel.set_locked(busy)
        self.open_dataset_action.setEnabled(not busy)
        self._update_hint()

    def _on_training_controls_changed(self) -> None:
        """The Training menu as step 3's buttons are: enabled alike, Pause saying Resume alike."""
        panel = self.training_panel
        self.start_action.setEnabled(panel.start_button.isEnabled())
        self.pause_action.setEnabled(panel.pause_button.isEnabled())
        self.pause_action.setText(panel.pause_button.text())
        self.stop_action.setEnabled(panel.stop_button.isEnabled())

    # The menu's entries click the buttons: the same checks and the same slots as a click.

    def _on_start_action_triggered(self) -> None:
        self.training_panel.start_button.click()

    def _on_pause_action_triggered(self) -> None:
        self.training_panel.pause_button.click()

    def _on_stop_action_triggered(self) -> None:
        self.training_panel.stop_button.click()

    def _on_run_finished(self, finished) -> None:
        self.runs_panel.set_active_run(None)
        settings = self.training_panel.settings
        self.data_panel.add_skipped(settings.data, finished.skipped)
        if finished.model_path:
            self.model_path = finished.model_path
            self.evaluation_panel.evaluate(finished.model_path, settings.data, settings.seed, subset=settings.subset)
            self.predictor_panel.open_model(finished.model_path)
        ended = self.tr("Training stopped.") if finished.stopped else self.tr("Training finished.")
        self.statusBar().showMessage(ended, 10000)
        self._update_hint()
        self.notifier.run_finished(finished, self.training_panel.best_epoch)

    def _on_run_failed(self, message: str, details: str) -> None:
        self.runs_panel.set_active_run(None)
        self.data_panel.add_skipped(self.training_panel.settings.data, self.training_panel.skipped)
        self.statusBar().showMessage(self.tr("Training failed."), 10000)
        self.notifier.run_failed(message)  # first: the message box below may take the focus
        self.show_error(self.tr("Training failed"), message, details)

    # ---- models

    def open_model(self, model_path: str, evaluate: bool = True) -> None:
        """Use a saved model: in the predictor, and evaluated on the current photos when they fit."""
        self.predictor_panel.open_model(model_path)
        self._evaluate_on_load = evaluate
        self.show_step(PREDICT)

    def _on_model_loaded(self, model_path: str) -> None:
        self.model_path = model_path
        self.evaluation_panel.set_model(model_path)
        dataset = self.data_panel.dataset
        predictor = self.predictor_panel.predictor
        if self._evaluate_on_load and dataset is not None and predictor is not None \
                and set(dataset.classes) <= set(predictor.classes):
            self.evaluation_panel.evaluate(model_path, dataset.root, subset=dataset.subset)
        self._evaluate_on_load = False
        self._update_hint()

    def _on_run_model_opened(self, model_path: str) -> None:
        self.open_model(model_path)

    def _on_open_model_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a model file"), "", self._model_filter())
        if path:
            self.open_model(path)

    def _on_open_dataset_triggered(self) -> None:
        self.show_step(DATA)
        self.data_panel._on_choose_clicked()

    def _on_export_triggered(self) -> None:
        model = self.model_path or self.predictor_panel.model_file
        if not model:
            self.show_error(self.tr("Nothing to export"), self.tr("Train a model or open one first."))
            return
        self._on_export_requested(model)

    def _on_export_requested(self, model_path: str) -> None:
        suggestion = str(Path(model_path).with_suffix(".onnx"))
        out, chosen = QFileDialog.getSaveFileName(self, self.tr("Export the model"), suggestion,
                                                  ";;".join(EXPORT_FILTERS))
        if out:
            self.export_model(model_path, out, export_format(out, chosen))

    def export_model(self, model_path: str, out: str, fmt: str) -> None:
        """Export in the background; a message says where it went, or why not."""
        self.statusBar().showMessage(i18n.fill(self.tr("Exporting to %1 …"), out))
        # Every export is heard to its end: two asked for one after the other both report.
        start_task(export_job, model_path, fmt, out, name="export", returned=self._on_export_returned,
                   errored=self._on_export_errored)

    def _on_export_returned(self, out: str) -> None:
        self.statusBar().showMessage(i18n.fill(self.tr("Exported the model to %1"), out), 10000)

    def _on_export_errored(self, error) -> None:
        self.statusBar().clearMessage()
        self.show_error(self.tr("The export failed"), describe_error(error), getattr(error, "details", ""))

    # ---- messages

    def show_error(self, title: str, text: str, details: str = "") -> QMessageBox:
        """A message box that does not block: the window stays usable behind it."""
        box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, self)
        if details:
            box.setDetailedText(details)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.error_box = box
        box.show()
        return box

    def _on_quit_triggered(self) -> None:
        self.close()

    def _on_about_triggered(self) -> None:
        lines = "".join(f"<tr><td>{name}</td><td>&nbsp;{version}</td></tr>" for name, version in versions().items())
        device = core_text(self.engine.device, DEVICES) if self.engine else self.tr("not known yet")
        purpose = self.tr("Train an image classifier on your own photos, by point and click.")
        device_line = i18n.fill(self.tr("Device: %1"), device)
        text = f"<h3>catdog-gui {__version__}</h3><p>{purpose}</p><table>{lines}</table><p>{device_line}</p>"
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About catdog-gui"), text,
                          QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.NonModal)
        self.about_box = box
        box.show()

    def _confirm_quit(self) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Quit while training?"),
            self.tr("A training run is going on. Quit anyway?\n\nThe best model so far is kept, and the run can be "
                    "continued later from step 6 (Runs ▸ Continue training)."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # ---- drops on the window

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData())
        if not paths:
            return
        event.acceptProposedAction()
        self.open_paths(paths)

    # ---- opening files: drops, launch arguments, later launches

    def open_paths(self, paths) -> None:
        """Open files and folders dropped on the window or named when the app was started.

        The one place that decides what they are: a single folder is the dataset (step 1); a model file
        (``.safetensors``) is opened (step 5); photos and folders of photos are classified (step 5), with
        a model given with them, else the model in use, else the newest run's best, else one the user picks.

        Parameters
        ----------
        paths
            Files and folders; nothing happens for none.
        """
        paths = [str(path) for path in paths]
        if not paths:
            return
        if len(paths) == 1 and Path(paths[0]).is_dir():
            self.show_step(DATA)
            self.data_panel.open_folder(paths[0])
            return
        models = [path for path in paths if is_model_file(path)]
        if len(models) > 1:
            self.show_error(self.tr("Open one model at a time"),
                            i18n.fill(self.tr("These are all model files:\n%1"), "\n".join(models)))
            return
        self.show_step(PREDICT)
        if self.engine is None:  # a model needs the engine: the first import of torch is the engine's
            self._paths_waiting.append(paths)
            return
        if models:
            self.open_model(models[0])
        photos = [path for path in paths if not is_model_file(path)]
        if photos:
            self.classify(photos)

    def receive_paths(self, paths) -> None:
        """Open what a later launch of the app handed over, and come to the front (for none as well)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.open_paths(paths)

    def classify(self, paths) -> None:
        """Classify photos and folders of photos in step 5; without a model in use one is found first."""
        self.show_step(PREDICT)
        self._find_model_for_photos()
        self.predictor_panel.add_paths(paths)

    def _find_model_for_photos(self) -> None:
        """The model in use, else the newest run's best model, else the user is asked for one."""
        panel = self.predictor_panel
        if panel.has_model:
            return
        model = panel.model_file if panel.model_file and Path(panel.model_file).is_file() else None
        model = model or latest_run_model(self.runs_panel.runs_dir())
        if model:
            self.open_model(model, evaluate=False)
        else:
            self._ask_for_model()

    def _ask_for_model(self) -> None:
        if self.model_dialog is not None and self.model_dialog.isVisible():
            return  # asked already; the photos wait with the others
        dialog = QFileDialog(self, self.tr("Open a model to classify the photos with"), "", self._model_filter())
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._on_model_dialog_file_selected)
        self.model_dialog = dialog
        dialog.open()  # not exec(): the window (and a later launch's hand-over) go on meanwhile

    def _model_filter(self) -> str:
        """The file dialogs' filter for model files."""
        return ";;".join([self.tr("Models (*.safetensors)"), self.tr("All files (*)")])

    def _on_model_dialog_file_selected(self, path: str) -> None:
        if path:
            self.open_model(path, evaluate=False)

    def _on_engine_loaded(self, engine) -> None:
        waiting, self._paths_waiting = self._paths_waiting, []
        for paths in waiting:
            self.open_paths(paths)

    # ---- closing

    def closeEvent(self, event) -> None:
        if self.ask_before_quitting and self.training_panel.busy and not self._confirm_quit():
            event.ignore()
            return
        self.save_settings()
        self.hide()
        if self.training_panel.busy:
            self.training_panel.stop(wait=True)  # a run in a child process must not outlive the window
        # Every task is asked to stop (a run keeps its best model) and waited for: a thread still
        # running when the application exits would take the process down with it.
        stop_all_workers()
        super().closeEvent(event)
