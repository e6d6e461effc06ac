"""The main window: the six steps in order, a menu, and a status bar that always names the device."""

from __future__ import annotations

import gc
import platform
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal, qVersion
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
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

from .. import __version__
from .data_panel import DataPanel
from ..core.memory import share_one_malloc_arena
from .engine import load_engine
from .evaluation_panel import EvaluationPanel
from .predictor_panel import PredictorPanel, local_paths
from .runs_panel import RunsPanel, latest_run_model
from .settings import Setting, open_settings, restore_settings, store_settings
from .strategy_panel import StrategyPanel
from .training_panel import TrainingPanel
from .widgets import describe_error
from .worker import GeneratorWorker, stop_all_workers

APP_NAME = "catdog-gui"
STEPS = ("1  Photos", "2  Strategy", "3  Train", "4  Evaluate", "5  Classify", "6  Runs")
DATA, STRATEGY, TRAIN, EVALUATE, PREDICT, RUNS = range(6)
EXPORT_FILTERS = {"ONNX (*.onnx)": "onnx", "TorchScript (*.pt)": "torchscript"}
DEVICE_TOOLTIP = "Where training and predictions run"
GPU_NOT_USABLE = "⚠ NVIDIA GPU not usable"  # the device label's marker; its tooltip says why
VERSIONED_PACKAGES = ("PySide6-Essentials", "pyqtgraph", "torch", "torchvision", "timm", "numpy", "pillow",
                      "safetensors", "onnx")


def export_job(model_path: str, fmt: str, out: str) -> str:
    from ..core.export import export_model

    return str(export_model(model_path, fmt, out))


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
        self._export_worker: GeneratorWorker | None = None
        self.model_dialog: QFileDialog | None = None  # asks for a model when photos come without one
        self._paths_waiting: list[list[str]] = []  # photos and models to open once the engine is loaded
        self.ask_before_quitting = True  # whether closing during a run asks first (off for unattended use)
        self.setWindowTitle("catdog-gui: teach the computer to tell your photos apart")
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
        self.steps.addItems(list(STEPS))
        self.steps.setFixedWidth(150)
        self.steps.setStyleSheet(
            "QListWidget { font-size: 11pt; border: none; background: #f4f6f8; }"
            "QListWidget::item { padding: 10px 8px; }"
            "QListWidget::item:selected { background: #1f77b4; color: white; }")
        outer.addWidget(self.steps)
        right = QVBoxLayout()
        self.stack = QStackedWidget()
        for panel in self.panels:
            self.stack.addWidget(panel)
        right.addWidget(self.stack, 1)
        footer = QHBoxLayout()
        self.hint_label = QLabel()
        self.hint_label.setStyleSheet("color: #174ea6;")
        footer.addWidget(self.hint_label, 1)
        self.back_button = QPushButton("← Back")
        self.back_button.clicked.connect(self._on_back_clicked)
        self.next_button = QPushButton("Next →")
        self.next_button.clicked.connect(self._on_next_clicked)
        self.back_button.setMinimumWidth(100)
        self.next_button.setMinimumWidth(180)
        footer.addWidget(self.back_button)
        footer.addWidget(self.next_button)
        right.addLayout(footer)
        outer.addLayout(right, 1)
        self.setCentralWidget(central)

        self.device_label = QLabel("Device: detecting…")
        self.device_label.setToolTip(DEVICE_TOOLTIP)
        self.statusBar().addPermanentWidget(self.device_label)
        self.resize(1280, 820)

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_dataset_action = self._action(file_menu, "Open &dataset…", QKeySequence.StandardKey.Open,
                                                self._on_open_dataset_triggered)
        self.open_model_action = self._action(file_menu, "Open &model…", "Ctrl+M", self._on_open_model_triggered)
        self.export_action = self._action(file_menu, "&Export model…", "Ctrl+E", self._on_export_triggered)
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self._on_quit_triggered)
        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = self._action(help_menu, "&About catdog-gui", None, self._on_about_triggered)

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
        self.predictor_panel.model_loaded.connect(self._on_model_loaded)
        self.runs_panel.model_opened.connect(self._on_run_model_opened)
        self.runs_panel.export_requested.connect(self._on_export_requested)
        self.runs_panel.resume_requested.connect(self._on_resume_requested)
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
        self.statusBar().showMessage("Loading the training engine…")
        worker = GeneratorWorker(load_engine, name="load engine")
        worker.returned.connect(self._on_engine_returned)
        worker.errored.connect(self._on_engine_errored)
        self._engine_worker = worker
        worker.start()

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
        if not engine.device_note:
            self.device_label.setText(f"Device: {engine.device}")
            self.statusBar().showMessage("Ready.", 3000)
            return
        self.device_label.setText(f"Device: {engine.device} — {GPU_NOT_USABLE}")
        self.device_label.setToolTip(f"{engine.device_note}\n\n{DEVICE_TOOLTIP}")
        self.statusBar().showMessage(engine.device_note, 30_000)

    def _on_engine_errored(self, error) -> None:
        self.device_label.setText("Device: unavailable")
        self.show_error("The training engine could not be loaded",
                        f"{describe_error(error)}\n\nThe photos can still be browsed; training and predicting "
                        "need a working PyTorch installation.", getattr(error, "details", ""))

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
            self.next_button.setText(f"Next: {STEPS[index + 1].split(maxsplit=1)[1]} →")
        self._update_hint()

    def _on_back_clicked(self) -> None:
        self.show_step(max(0, self.stack.currentIndex() - 1))

    def _on_next_clicked(self) -> None:
        self.show_step(min(len(STEPS) - 1, self.stack.currentIndex() + 1))

    def _update_hint(self) -> None:
        index = self.stack.currentIndex()
        have_data = self.data_panel.dataset is not None
        trained = self.model_path is not None
        hints = {
            DATA: "Next, choose how to train." if have_data else "Start here: choose a folder of photos.",
            STRATEGY: "Next, start training." if have_data else "Choose your photos first (step 1).",
            TRAIN: ("Training… you can look at the other steps meanwhile." if self.training_panel.busy else
                    "Press Start to train." if have_data and self.engine else self.training_panel.ready_reason),
            EVALUATE: "" if trained else "Train a model first (step 3), or open a saved one (File ▸ Open model).",
            PREDICT: "Drop photos here to classify them." if trained else "A model is needed: train one or open one.",
            RUNS: "Select runs to compare their curves.",
        }
        self.hint_label.setText(hints.get(index, ""))

    # ---- data and training

    def _on_strategy_changed(self) -> None:
        self._update_hint()

    def _on_dataset_loaded(self, dataset) -> None:
        self.statusBar().showMessage(f"Loaded {dataset.root}", 5000)
        if self.engine is not None:
            self.strategy_panel.set_dataset(dataset)
        self._update_ready()

    def _update_ready(self) -> None:
        if self.engine is None:
            self.training_panel.set_ready(False, "Loading the training engine…")
        elif self.data_panel.dataset is None:
            self.training_panel.set_ready(False, "Choose your photos first (step 1).")
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
            self.show_error("These settings cannot be used", describe_error(error))
            return
        self.save_settings()
        gpus = self.strategy_panel.chosen_gpus()
        if gpus > 1:  # torchrun in a child process; the Runs step follows its run folder
            self.training_panel.start_on_gpus(settings, gpus, self.runs_panel.runs_dir())
            self.statusBar().showMessage(f"Training on {gpus} GPUs in a separate process…", 10000)
            self.show_step(RUNS)
        else:
            self.training_panel.start(settings)
            self.show_step(TRAIN)

    def _on_resume_requested(self, run) -> None:
        if self.engine is None or self.training_panel.busy:
            self.show_error("Cannot continue now", "Wait until the training engine is loaded and no run is going on.")
            return
        try:
            self.training_panel.resume(str(run.path), run.history)
        except Exception as error:  # a folder that cannot go on: say why, change nothing
            self.show_error("This run cannot be continued", describe_error(error))
            return
        self.show_step(TRAIN)

    def _on_run_started(self, settings) -> None:
        self.runs_panel.set_active_run(self.training_panel.run_dir)
        self.statusBar().showMessage(f"Training with '{settings.strategy}'…")

    def _on_busy_changed(self, busy: bool) -> None:
        self._set_busy(busy)

    def _set_busy(self, busy: bool) -> None:
        """The window's one switch between a run going on and none: what may change during a run."""
        self.data_panel.set_locked(busy)
        self.strategy_panel.set_locked(busy)
        self.open_dataset_action.setEnabled(not busy)
        self._update_hint()

    def _on_run_finished(self, finished) -> None:
        self.runs_panel.set_active_run(None)
        settings = self.training_panel.settings
        self.data_panel.add_skipped(settings.data, finished.skipped)
        if finished.model_path:
            self.model_path = finished.model_path
            self.evaluation_panel.evaluate(finished.model_path, settings.data, settings.seed, subset=settings.subset)
            self.predictor_panel.open_model(finished.model_path)
        self.statusBar().showMessage("Training stopped." if finished.stopped else "Training finished.", 10000)
        self._update_hint()

    def _on_run_failed(self, message: str, details: str) -> None:
        self.runs_panel.set_active_run(None)
        self.data_panel.add_skipped(self.training_panel.settings.data, self.training_panel.skipped)
        self.statusBar().showMessage("Training failed.", 10000)
        self.show_error("Training failed", message, details)

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
        path, _ = QFileDialog.getOpenFileName(self, "Open a model file", "", "Models (*.safetensors);;All files (*)")
        if path:
            self.open_model(path)

    def _on_open_dataset_triggered(self) -> None:
        self.show_step(DATA)
        self.data_panel._on_choose_clicked()

    def _on_export_triggered(self) -> None:
        model = self.model_path or self.predictor_panel.model_file
        if not model:
            self.show_error("Nothing to export", "Train a model or open one first.")
            return
        self._on_export_requested(model)

    def _on_export_requested(self, model_path: str) -> None:
        suggestion = str(Path(model_path).with_suffix(".onnx"))
        out, chosen = QFileDialog.getSaveFileName(self, "Export the model", suggestion, ";;".join(EXPORT_FILTERS))
        if out:
            fmt = "torchscript" if Path(out).suffix.lower() in (".pt", ".pth") else EXPORT_FILTERS.get(chosen, "onnx")
            self.export_model(model_path, out, fmt)

    def export_model(self, model_path: str, out: str, fmt: str) -> None:
        """Export in the background; a message says where it went, or why not."""
        self.statusBar().showMessage(f"Exporting to {out} …")
        worker = GeneratorWorker(export_job, model_path, fmt, out, name="export")
        worker.returned.connect(self._on_export_returned)
        worker.errored.connect(self._on_export_errored)
        self._export_worker = worker
        worker.start()

    def _on_export_returned(self, out: str) -> None:
        self.statusBar().showMessage(f"Exported the model to {out}", 10000)

    def _on_export_errored(self, error) -> None:
        self.statusBar().clearMessage()
        self.show_error("The export failed", describe_error(error), getattr(error, "details", ""))

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
        device = self.engine.device if self.engine else "not known yet"
        box = QMessageBox(QMessageBox.Icon.Information, "About catdog-gui",
                          f"<h3>catdog-gui {__version__}</h3><p>Train an image classifier on your own photos, "
                          f"by point and click.</p><table>{lines}</table><p>Device: {device}</p>",
                          QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.NonModal)
        self.about_box = box
        box.show()

    def _confirm_quit(self) -> bool:
        answer = QMessageBox.question(
            self, "Quit while training?",
            "A training run is going on. Quit anyway?\n\nThe best model so far is kept, and the run can be "
            "continued later from step 6 (Runs ▸ Continue training).",
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
            self.show_error("Open one model at a time", "These are all model files:\n" + "\n".join(models))
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
        dialog = QFileDialog(self, "Open a model to classify the photos with", "",
                             "Models (*.safetensors);;All files (*)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._on_model_dialog_file_selected)
        self.model_dialog = dialog
        dialog.open()  # not exec(): the window (and a later launch's hand-over) go on meanwhile

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
