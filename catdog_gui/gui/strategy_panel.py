"""Step 2, the strategy: one of the five recipes, its backbone, hyper-parameters and augmentation."""

from __future__ import annotations

import dataclasses
import random
import re
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QDoubleValidator, QImage, QPalette, QPixmap, QValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .. import core
from ..core.datasets import LECTURE_COUNTS, SPLITS
from ..core.errors import UserError
from ..core.estimates import StepTimes
from ..core.images import load_pixels
from ..core.measured import FIGURES
from ..core.names import (ADAMW, AUTO_CLASS_WEIGHTS, AUTO_DEVICE, CLASS_WEIGHTS_OFF, CLASS_WEIGHTS_ON,
                           COSINE_SCHEDULE, CPU_DEVICE, DEFAULT_BACKBONE, DEFAULT_PRESET, DEFAULT_RECIPE,
                           EVERY_PHOTO_SUBSET, FEATURE_EXTRACTION_AUGMENTED_RECIPE, FEATURE_EXTRACTION_RECIPE,
                           FINE_TUNING_RECIPE, LECTURE_PRESET, LOSS_MONITOR, PRESETS, RMSPROP, SCRATCH,
                           WEIGHTS_BUILT_IN, WEIGHTS_CACHED, WEIGHTS_DOWNLOAD_NEEDED, WEIGHTS_UNKNOWN)
from ..core.paths import DEFAULT_PIXEL_CACHE_GB
from ..core.recipes import RECIPES, resolve_settings
from ..core.specs import CONSTANT_FILL, NEAREST_FILL, REFLECT_FILL, Augmentation
from .accessible import plain_text, set_tab_chain
from .settings import Setting
from . import colours, i18n
from .widgets import Banner, bold, describe_error, format_duration, mute, muted_html, page_header
from .worker import BACKGROUND_NICE, TaskSlot

PREVIEW_COUNT = 8  # augmented samples, shown beside the original
PREVIEW_SIZE = 112
# Photos per split that the time estimates assume before a data set is chosen: the lecture's cats and dogs.
LECTURE_PHOTOS_PER_SPLIT = {split: 2 * count for split, count in zip(SPLITS, LECTURE_COUNTS)}
HYPER_FIELDS = ("epochs", "head_epochs", "batch_size", "lr", "fine_tune_lr", "image_size", "early_stopping",
                "class_weights", "seed", "device")
FINE_TUNING_FIELDS = ("head_epochs", "fine_tune_lr")  # shown and used only by a strategy that fine-tunes
AUGMENT_FIELDS = tuple(field.name for field in dataclasses.fields(Augmentation))  # the knobs, in the form's order


# ---- time estimates ----------------------------------------------------------------------------

def rated_step_times(settings, device_type: str, threads: int) -> StepTimes:
    """The seconds per image of ``settings``' network on this device from its FLOPs and a rough rate:
    what the notes rest on until one batch has been timed there (see StrategyPanel._times_for)."""
    if settings.recipe.pretrained:
        backbone = core.backbones.BACKBONES[settings.backbone]
        gflops = backbone.gflops * (settings.image_size / backbone.image_size) ** 2
    else:
        gflops = core.estimates.small_cnn_gflops(settings.image_size)
    return core.estimates.rated_step_times(settings.recipe.pretrained, gflops, settings.image_size, device_type,
                                           threads)


def estimate_seconds(settings, counts: dict[str, int], times: StepTimes, threads: int) -> float:
    """A rough duration of a run of ``settings`` on ``counts`` images per split, from ``times``
    (its network's seconds per image on this device, at any image size)."""
    return core.estimates.estimate_seconds(settings.recipe, settings.epochs, settings.head_epochs, counts,
                                           times.scaled(settings.image_size), threads)


def measured_note(backbone: str) -> str:
    """What bench/quality.py measured for ``backbone`` with the recommended values, in a sentence."""
    by_strategy = FIGURES.get(backbone)
    if not by_strategy:
        return QCoreApplication.translate("strategy_panel", "Not measured on real photos with this app yet.")
    parts, machine = [], ""
    for strategy, by_data in by_strategy.items():
        results = []
        for data, figure in by_data.items():
            results.append(i18n.fill(
                QCoreApplication.translate("strategy_panel", "%1 %2 (%3)", "data set, test accuracy (time)"),
                _translate(DATA_WORDS.get(data, data)), i18n.format_number(figure["test_accuracy"], 3),
                format_duration(figure["seconds"])))
            machine = figure["machine"]
        parts.append(i18n.fill(QCoreApplication.translate("strategy_panel", "%1: %2", "strategy: its results"),
                               _translate(STRATEGY_WORDS.get(strategy, strategy)), ", ".join(results)))
    text = QCoreApplication.translate(
        "strategy_panel", "Test accuracy (and time) with the recommended values, measured on a CPU (%1): %2.")
    return i18n.fill(text, machine_text(machine), "; ".join(parts))


def machine_text(machine: str) -> str:
    """The machine of a measurement (``"AMD EPYC, 2 cores"``, as core/measured.py has it) in the
    language in use."""
    found = re.fullmatch(r"(.+), (\d+) cores", machine)
    if found is None:
        return machine
    return i18n.fill(QCoreApplication.translate("strategy_panel", "%1, %n cores", None, int(found.group(2))),
                     found.group(1))


def device_text(engine) -> str:
    """Where runs train, for people: the CPU and its threads in the language in use, else the GPU's name
    (core/device.py's describe_device, which the engine's ``device`` holds, speaks English)."""
    if engine.device_type == CPU_DEVICE:  # a plural: "CPU (1 hilo)" in Spanish; English as core says it
        return QCoreApplication.translate("strategy_panel", "CPU (%n threads)", None, engine.threads)
    return engine.device


def format_rate(value: float) -> str:
    """A learning rate (or another small value) as the language writes it: ``2e-05``, ``0,001``."""
    return QLocale().toString(float(value), "g", 6)


STRATEGY_WORDS = {FEATURE_EXTRACTION_RECIPE: QT_TRANSLATE_NOOP("strategy_panel", "pretrained features"),
                  FEATURE_EXTRACTION_AUGMENTED_RECIPE: QT_TRANSLATE_NOOP("strategy_panel",
                                                                         "pretrained features with augmentation"),
                  FINE_TUNING_RECIPE: QT_TRANSLATE_NOOP("strategy_panel", "fine-tuning")}
DATA_WORDS = {"catsdogs": QT_TRANSLATE_NOOP("strategy_panel", "cats vs dogs"),
              "flowers17": QT_TRANSLATE_NOOP("strategy_panel", "17 flowers")}
# The strategies' and networks' texts of core/recipes.py and core/backbones.py, which stay English there
# (the command line speaks English): registered here for lupdate, translated where the window shows them
# (_translate). tests/test_gui_panel_texts.py checks that these are exactly core's texts.
RECIPE_TEXTS = (
    QT_TRANSLATE_NOOP("strategy_panel", "Small CNN from scratch"),
    QT_TRANSLATE_NOOP("strategy_panel", "Trains a small network from nothing. Quick to understand; overfits a "
                                        "small set (about 71-74%)."),
    QT_TRANSLATE_NOOP("strategy_panel", "about 71% validation"),
    QT_TRANSLATE_NOOP("strategy_panel", "Small CNN with augmentation and dropout"),
    QT_TRANSLATE_NOOP("strategy_panel", "The same network, shown randomly turned, shifted and zoomed photos; "
                                        "overfits far less (about 82%)."),
    QT_TRANSLATE_NOOP("strategy_panel", "about 82%"),
    QT_TRANSLATE_NOOP("strategy_panel", "Pretrained features (fastest)"),
    QT_TRANSLATE_NOOP("strategy_panel", "Runs a network trained on ImageNet once over every photo and trains a "
                                        "small head on what it sees. Fast and accurate: the best first choice."),
    QT_TRANSLATE_NOOP("strategy_panel", "about 90% (VGG16)"),
    QT_TRANSLATE_NOOP("strategy_panel", "Pretrained features with augmentation"),
    QT_TRANSLATE_NOOP("strategy_panel", "Keeps the pretrained network frozen inside the model and shows it "
                                        "augmented photos. Slower, a little more accurate."),
    QT_TRANSLATE_NOOP("strategy_panel", "about 96% (VGG16)"),
    QT_TRANSLATE_NOOP("strategy_panel", "Fine-tuning the top block"),
    QT_TRANSLATE_NOOP("strategy_panel", "Trains a head on the frozen pretrained network, then also adjusts the "
                                        "network's top block. The most accurate, and the slowest."),
    QT_TRANSLATE_NOOP("strategy_panel", "about 97% test (VGG16)"),
)
BACKBONE_TITLES = (
    QT_TRANSLATE_NOOP("strategy_panel", "EfficientNet-Lite0 (built in, works offline)"),
    QT_TRANSLATE_NOOP("strategy_panel", "EfficientNet-Lite1 (built in, works offline)"),
    QT_TRANSLATE_NOOP("strategy_panel", "EfficientNet-Lite2 (built in, works offline)"),
    QT_TRANSLATE_NOOP("strategy_panel", "VGG16 (the lecture's)"),
    QT_TRANSLATE_NOOP("strategy_panel", "ResNet-50"),
    QT_TRANSLATE_NOOP("strategy_panel", "MobileNetV3-Large"),
    QT_TRANSLATE_NOOP("strategy_panel", "EfficientNet-B0"),
)


def _translate(text: str) -> str:
    """``text``, marked with QT_TRANSLATE_NOOP in this module's context (or a core text listed above),
    in the language in use; a text not in the catalogue stays as it is."""
    return QCoreApplication.translate("strategy_panel", text)


# ---- the augmentation preview ------------------------------------------------------------------

def augmented_previews(path: str, size: int, augmentation: dict, seed: int, count: int = PREVIEW_COUNT):
    """The photo at ``path`` and ``count`` augmented versions, as QImages (runs in a worker)."""
    import numpy as np
    import torch

    pixels = core.preprocessing.image_to_input(load_pixels(path, size))
    batch = core.preprocessing.to_input(pixels.repeat(count, 1, 1, 1), torch.device(CPU_DEVICE))
    settings = Augmentation(**augmentation)
    generator = torch.Generator().manual_seed(seed)
    augmented = core.preprocessing.augment(batch, settings, generator) if settings.active else batch
    images = []
    for tensor in torch.cat([batch[:1], augmented]):  # the original first
        array = np.ascontiguousarray((tensor.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8))
        image = QImage(array.data, array.shape[1], array.shape[0], 3 * array.shape[1], QImage.Format.Format_RGB888)
        images.append(image.copy())  # own the pixels: the array goes away with this function
    return images


def preview_pixmap(image: QImage, ratio: float) -> QPixmap:
    """``image`` scaled to fit a preview square, in device pixels (``ratio`` per logical pixel, the
    label's devicePixelRatio), so that it is sharp on a high-DPI screen."""
    side = round(PREVIEW_SIZE * ratio)
    pixmap = QPixmap.fromImage(image).scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def rate_locales() -> tuple[QLocale, QLocale]:
    """The ways a learning rate may be written: as the language in use writes numbers (``0,001`` in
    Spanish), or with a point, as the command line takes it. Never with group separators, so that
    ``0,001`` is not read as 1 with a point, nor ``0.001`` as 1 with a comma."""
    locales = (QLocale(), QLocale.c())
    for locale in locales:
        locale.setNumberOptions(locale.numberOptions() | QLocale.NumberOption.RejectGroupSeparator)
    return locales


class RateValidator(QValidator):
    """Accepts what a learning rate field shows and what the user may type in it: a number in the
    language's way or with a point, in scientific notation or not."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._validators = []
        for locale in rate_locales():
            validator = QDoubleValidator(1e-9, 9.99, 10, self)
            validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
            validator.setLocale(locale)
            self._validators.append(validator)

    def validate(self, text: str, position: int):
        state = max((validator.validate(text, position)[0] for validator in self._validators),
                    key=lambda found: found.value)
        return state, text, position


class LearningRateEdit(QLineEdit):
    """A learning rate in scientific notation (``2e-05``) or not (``0.001``; ``0,001`` in Spanish)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setValidator(RateValidator(self))
        self.setMaximumWidth(120)

    def value(self) -> float | None:
        """The rate typed, read as the language writes numbers or with a point; None if it is no number."""
        for locale in rate_locales():
            value, ok = locale.toDouble(self.text().strip())
            if ok:
                return value
        return None

    def setValue(self, value: float) -> None:
        self.setText(format_rate(value))


# ---- controls bound to settings ----------------------------------------------------------------

@dataclass(frozen=True)
class Access:
    """How to read a kind of control's value, show a value in it, and which of its signals says the
    user changed it."""

    read: Callable[[QWidget], object]
    write: Callable[[QWidget, object], None]
    signal: str
    announces_writes: bool = True  # False: the signal tells only of typing, not of a value written


def _choose(combo: QComboBox, value) -> None:
    """Select the item of ``value`` (its data, ``"reflect"``, or its text as shown); the first if none."""
    found = combo.findData(value)
    if found < 0:
        found = combo.findText(str(value))
    combo.setCurrentIndex(max(0, found))


WHOLE = Access(QSpinBox.value, lambda spin, value: spin.setValue(int(value)), "valueChanged")
DECIMAL = Access(QDoubleSpinBox.value, lambda spin, value: spin.setValue(float(value)), "valueChanged")
SWITCH = Access(QCheckBox.isChecked, lambda box, value: box.setChecked(bool(value)), "toggled")
CHOICE = Access(QComboBox.currentData, _choose, "currentIndexChanged")
RATE = Access(LearningRateEdit.value, LearningRateEdit.setValue, "textEdited", announces_writes=False)


@dataclass(frozen=True)
class Binding:
    """A control bound to the setting it shows (declared once, in :meth:`StrategyPanel._bind_controls`)."""

    control: QWidget
    access: Access

    def read(self):
        return self.access.read(self.control)

    def write(self, value) -> None:
        self.access.write(self.control, value)


class StrategyPanel(QWidget):
    """Choose how to train: recipe, backbone, hyper-parameters and augmentation, with their defaults.

    Signals
    -------
    changed()
        Any choice changed (the main window refreshes what depends on it).
    """

    settings_group = "strategy"
    strategy = Setting(DEFAULT_RECIPE)
    backbone = Setting(DEFAULT_BACKBONE)
    preset = Setting(DEFAULT_PRESET)  # whose values the form starts from: one of names.PRESETS
    overrides = Setting({})  # strategy -> {field: value} that differ from the recipe's defaults
    augmentations = Setting({})  # strategy -> augmentation knobs as a dict
    weights_files = Setting({})  # backbone -> a weights file the user chose
    pixel_cache_gb = Setting(DEFAULT_PIXEL_CACHE_GB)  # for every strategy: it is the disk's, not the recipe's
    use_all_gpus = Setting(False)  # all of the machine's GPUs (when it has several), not the window's one

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = None
        self.dataset = None
        self.start_from: str | None = None  # a model file the next run starts from ("Train more"), or None
        self.start_from_info = None  # that model's ModelInfo
        self._start_parent = None  # that model as a lineage.Parent, without its weights (read when a run starts)
        self._filling = False
        self._previews = TaskSlot(self)  # the latest request replaces any still being drawn
        self._step_times: dict[tuple[str, str], StepTimes] = {}  # (device type, network): timed on one batch
        self._untimeable: set[tuple[str, str]] = set()  # those whose timing failed: the FLOP estimate stays
        self._timing = TaskSlot(self)  # one network timed at a time, off the GUI thread
        self._preview_seed = 0
        self._preview_index = 0
        self.preview_shown = 0
        self.preview_seed_shown: int | None = None
        self._preview_requests = self._preview_done = 0
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(250)
        self._preview_timer.timeout.connect(self._on_preview_timer_timeout)
        self._build()
        colours.follow_palette(self, self._apply_colours)

    # ---- building

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.addWidget(page_header(
            self.tr("2  How to train"),
            self.tr("Pick a strategy; its values are the recommended ones (or the lecture's), and you can change "
                    "them. Not sure? Keep 'Pretrained features': fast and accurate."),
        ))
        self.banner = Banner()
        outer.addWidget(self.banner)
        outer.addWidget(self._build_start_from_row())
        self.loading_label = QLabel(self.tr("Loading the training engine…"))
        outer.addWidget(self.loading_label)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)

        left = QVBoxLayout()
        self.recipe_box = QGroupBox(self.tr("St&rategy"))  # Alt+R: to the strategies (arrow keys choose)
        self.recipe_layout = QVBoxLayout(self.recipe_box)
        self.recipe_group = QButtonGroup(self)
        self.recipe_group.idToggled.connect(self._on_recipe_toggled)
        self.recipe_buttons: dict[str, QRadioButton] = {}
        self.recipe_notes: dict[str, QLabel] = {}
        left.addWidget(self.recipe_box)

        backbone_box = QGroupBox(self.tr("Pretrained network (backbone)"))
        form = QFormLayout(backbone_box)
        self.backbone_combo = QComboBox()
        self.backbone_combo.currentIndexChanged.connect(self._on_backbone_changed)
        form.addRow(self.tr("Networ&k:"), self.backbone_combo)
        self.weights_label = QLabel()
        self.weights_label.setWordWrap(True)
        form.addRow(self.tr("Weights:"), self.weights_label)
        self.measured_label = QLabel()
        self.measured_label.setWordWrap(True)
        mute(self.measured_label)
        form.addRow(self.tr("Measured:"), self.measured_label)
        weights_row = QHBoxLayout()
        self.weights_button = QPushButton(self.tr("&Use a weights file…"))
        self.weights_button.clicked.connect(self._on_weights_clicked)
        self.weights_clear = QPushButton(self.tr("Use the standar&d weights"))
        self.weights_clear.clicked.connect(self._on_weights_cleared)
        weights_row.addWidget(self.weights_button)
        weights_row.addWidget(self.weights_clear)
        weights_row.addStretch(1)
        form.addRow("", weights_row)
        self.backbone_box = backbone_box
        left.addWidget(backbone_box)
        left.addStretch(1)
        columns.addLayout(left, 5)

        right = QVBoxLayout()
        hyper_box = QGroupBox(self.tr("Training settings"))
        hyper = QFormLayout(hyper_box)
        self.epochs = self._spin(1, 10_000)
        self.head_epochs = self._spin(0, 10_000)
        self.batch_size = self._spin(1, 4096)
        self.lr = LearningRateEdit()
        self.fine_tune_lr = LearningRateEdit()
        self.image_size = self._spin(48, 1024, " px")
        self.early_stopping = self._spin(0, 10_000)
        self.early_stopping.setSpecialValueText(self.tr("off", "no early stopping"))
        self.class_weights = QComboBox()
        self.class_weights.setMaximumWidth(120)
        for text, choice in ((self.tr("auto"), AUTO_CLASS_WEIGHTS),
                             (self.tr("on", "weigh the classes"), CLASS_WEIGHTS_ON),
                             (self.tr("off", "do not weigh the classes"), CLASS_WEIGHTS_OFF)):
            self.class_weights.addItem(text, choice)
        self.class_weights.setToolTip(self.tr(
            "Weigh each class by the inverse of its share of the training photos, so that a small class counts "
            "as much as a big one. Auto: when the largest class has over 3 times the photos of the smallest."))
        self.seed = self._spin(0, 1_000_000)
        self.device = QComboBox()
        self.device.setMaximumWidth(120)
        self.device.addItem(self.tr("auto"), AUTO_DEVICE)
        self.gpus = QComboBox()
        self.gpus.setToolTip(self.tr("All GPUs: the run trains in a separate process, one per GPU (torchrun); "
                                     "its curves grow in step 6 (Runs)"))
        self.gpus.currentIndexChanged.connect(self._on_gpus_current_index_changed)
        self.hyper_rows = {
            "epochs": (self.tr("&Epochs:"), self.epochs),
            "head_epochs": (self.tr("Head-only epochs first:"), self.head_epochs),
            "batch_size": (self.tr("Batch si&ze:"), self.batch_size),
            "lr": (self.tr("&Learning rate:"), self.lr),
            "fine_tune_lr": (self.tr("Fine-tuning learning rate:"), self.fine_tune_lr),
            "image_size": (self.tr("Image size:"), self.image_size),
            "early_stopping": (self.tr("Stop after epochs without progress:"), self.early_stopping),
            "class_weights": (self.tr("Weigh classes against imbalance:"), self.class_weights),
            "seed": (self.tr("Random seed:"), self.seed),
            "device": (self.tr("Device:"), self.device),
            "gpus": (self.tr("GPUs:"), self.gpus),
        }
        for label, widget in self.hyper_rows.values():
            hyper.addRow(label, widget)
        self.pixel_cache = self._double(0, 100_000, 0, " GB")
        self.pixel_cache.setToolTip(self.tr("Decoded photos are kept on disk up to this size, so that later runs "
                                            "start at once; past it, photos are decoded again every epoch."))
        hyper.addRow(self.tr("Disk for decoded photos:"), self.pixel_cache)
        self.pixel_cache_note = QLabel()
        self.pixel_cache_note.setWordWrap(True)
        mute(self.pixel_cache_note)
        hyper.addRow("", self.pixel_cache_note)
        self.hyper_form = hyper
        self._set_row_visible("gpus", False)  # until the engine has counted the GPUs
        self.preset_label = QLabel()
        self.preset_label.setWordWrap(True)
        hyper.addRow(self.tr("Values:"), self.preset_label)
        resets = QHBoxLayout()
        self.recommended_button = QPushButton(self.tr("Reset to re&commended"))
        self.recommended_button.clicked.connect(self._on_recommended_clicked)
        self.reset_button = QPushButton(self.tr("Reset to the lecture's &values"))
        self.reset_button.clicked.connect(self._on_reset_clicked)
        resets.addWidget(self.recommended_button)
        resets.addWidget(self.reset_button)
        resets.addStretch(1)
        hyper.addRow("", resets)
        right.addWidget(hyper_box)

        self.augment_box = QGroupBox(self.tr("&Augmentation (training photos only)"))  # Alt+A: to its first control
        augment_layout = QHBoxLayout(self.augment_box)
        knobs = QFormLayout()
        self.use_augmentation = QCheckBox(self.tr("Show the network randomly changed photos"))
        knobs.addRow(self.use_augmentation)
        self.augment_note = QLabel()
        self.augment_note.setWordWrap(True)
        mute(self.augment_note)
        knobs.addRow(self.augment_note)
        self.knobs = {
            "rotation": self._double(0, 180, 1, " °"),
            "width_shift": self._double(0, 1, 2),
            "height_shift": self._double(0, 1, 2),
            "shear": self._double(0, 45, 1, " °"),
            "zoom": self._double(0, 0.9, 2),
            "brightness": self._double(0, 1, 2),
            "contrast": self._double(0, 1, 2),
            "saturation": self._double(0, 1, 2),
            "horizontal_flip": QCheckBox(self.tr("&mirror left-right")),
            "vertical_flip": QCheckBox(self.tr("flip u&pside down")),
            "fill_mode": QComboBox(),
        }
        for text, mode in ((self.tr("nearest", "fill mode: repeat the nearest edge pixel"), NEAREST_FILL),
                           (self.tr("reflect", "fill mode: mirror the picture at its edge"), REFLECT_FILL),
                           (self.tr("constant", "fill mode: one colour"), CONSTANT_FILL)):
            self.knobs["fill_mode"].addItem(text, mode)
        titles = {"rotation": self.tr("Rotation up to:"), "width_shift": self.tr("Shift sideways (share):"),
                  "height_shift": self.tr("Shift up/down (share):"), "shear": self.tr("Shear up to:"),
                  "zoom": self.tr("Zoom (share):"), "brightness": self.tr("Brightness (share):"),
                  "contrast": self.tr("Contrast (share):"), "saturation": self.tr("Saturation (share):"),
                  "horizontal_flip": self.tr("Flip:"), "vertical_flip": "",
                  "fill_mode": self.tr("Fill the edges with:")}
        for name in AUGMENT_FIELDS:
            knobs.addRow(titles[name], self.knobs[name])
        augment_layout.addLayout(knobs, 1)
        preview = QVBoxLayout()
        self.preview_grid = QGridLayout()
        self.preview_grid.setSpacing(4)
        self.preview_labels = []
        for i in range(PREVIEW_COUNT + 1):
            label = QLabel()
            label.setFixedSize(PREVIEW_SIZE, PREVIEW_SIZE)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setFrameShape(QLabel.Shape.StyledPanel)
            label.setAutoFillBackground(True)
            label.setBackgroundRole(QPalette.ColorRole.AlternateBase)  # the system's, light or dark
            if i == 0:
                label.setToolTip(self.tr("The original photo"))
                label.setAccessibleName(self.tr("The original photo"))
            else:
                label.setAccessibleName(i18n.fill(self.tr("Augmented version %1"), i18n.format_number(i)))
            self.preview_grid.addWidget(label, i // 3, i % 3)
            self.preview_labels.append(label)
        preview.addLayout(self.preview_grid)
        self.preview_caption = QLabel(self.tr("Top left: the photo as it is; the others: what training may show."))
        self.preview_caption.setWordWrap(True)
        mute(self.preview_caption)
        self.preview_caption.setMaximumWidth(3 * PREVIEW_SIZE + 8)
        preview.addWidget(self.preview_caption)
        buttons = QHBoxLayout()
        self.new_samples_button = QPushButton(self.tr("Ne&w samples"))
        self.new_samples_button.clicked.connect(self._on_new_samples_clicked)
        self.other_photo_button = QPushButton(self.tr("An&other photo"))
        self.other_photo_button.clicked.connect(self._on_other_photo_clicked)
        buttons.addWidget(self.new_samples_button)
        buttons.addWidget(self.other_photo_button)
        preview.addLayout(buttons)
        preview.addStretch(1)
        augment_layout.addLayout(preview)
        right.addWidget(self.augment_box)
        right.addStretch(1)
        columns.addLayout(right, 6)
        self.bindings = self._bind_controls()
        self.setEnabled(False)

    def _bind_controls(self) -> dict[str, Binding]:
        """Each value control bound to its setting (a field of core's Settings or Augmentation, or the
        augmentation switch), and heard when the user changes it. Every read and write of a value goes
        through these."""
        table = {
            "epochs": (self.epochs, WHOLE),
            "head_epochs": (self.head_epochs, WHOLE),
            "batch_size": (self.batch_size, WHOLE),
            "lr": (self.lr, RATE),
            "fine_tune_lr": (self.fine_tune_lr, RATE),
            "image_size": (self.image_size, WHOLE),
            "early_stopping": (self.early_stopping, WHOLE),
            "class_weights": (self.class_weights, CHOICE),
            "seed": (self.seed, WHOLE),
            "device": (self.device, CHOICE),
            "pixel_cache_gb": (self.pixel_cache, DECIMAL),
            "use_augmentation": (self.use_augmentation, SWITCH),
            "rotation": (self.knobs["rotation"], DECIMAL),
            "width_shift": (self.knobs["width_shift"], DECIMAL),
            "height_shift": (self.knobs["height_shift"], DECIMAL),
            "shear": (self.knobs["shear"], DECIMAL),
            "zoom": (self.knobs["zoom"], DECIMAL),
            "horizontal_flip": (self.knobs["horizontal_flip"], SWITCH),
            "vertical_flip": (self.knobs["vertical_flip"], SWITCH),
            "fill_mode": (self.knobs["fill_mode"], CHOICE),
            "brightness": (self.knobs["brightness"], DECIMAL),
            "contrast": (self.knobs["contrast"], DECIMAL),
            "saturation": (self.knobs["saturation"], DECIMAL),
        }
        bindings = {}
        for name, (control, access) in table.items():
            getattr(control, access.signal).connect(self._on_value_changed)
            bindings[name] = Binding(control, access)
        return bindings

    def _build_start_from_row(self) -> QWidget:
        """"Starting from: <run>" and a button that clears it; shown while a run is to train a model more."""
        self.start_from_row = QWidget()
        row = QHBoxLayout(self.start_from_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.start_from_label = QLabel()
        self.start_from_label.setWordWrap(True)
        self.start_from_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.start_from_label, 1)
        self.start_from_clear = QPushButton(self.tr("Start from scratch &instead"))
        self.start_from_clear.setToolTip(self.tr("Forget the model to start from: the next run begins from nothing "
                                                 "(or from ImageNet, for a pretrained network)"))
        self.start_from_clear.clicked.connect(self._on_start_from_clear_clicked)
        row.addWidget(self.start_from_clear, 0, Qt.AlignmentFlag.AlignTop)
        self.start_from_row.hide()
        return self.start_from_row

    def _spin(self, low: int, high: int, suffix: str = "") -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setMaximumWidth(120)
        return spin

    def _double(self, low: float, high: float, decimals: int, suffix: str = "") -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(low, high)
        spin.setDecimals(decimals)
        spin.setSingleStep(5 * 10 ** -decimals)
        spin.setSuffix(suffix)
        spin.setMaximumWidth(120)
        return spin

    # ---- engine and data

    def set_engine(self, engine) -> None:
        """Fill in the recipes and backbones once the engine is loaded."""
        self.engine = engine
        self.loading_label.hide()
        for index, recipe in enumerate(RECIPES.values()):
            button = QRadioButton(_translate(recipe.title))
            bold(button)
            note = QLabel()
            note.setWordWrap(True)
            note.setContentsMargins(24, 0, 0, 6)
            note.setTextFormat(Qt.TextFormat.RichText)
            self.recipe_group.addButton(button, index)
            self.recipe_layout.addWidget(button)
            self.recipe_layout.addWidget(note)
            self.recipe_buttons[recipe.id] = button
            self.recipe_notes[recipe.id] = note
            button.setAccessibleDescription(_translate(recipe.summary))  # its note, which a screen reader would skip
        # Made after the rest of the form, they would come last when tabbing: first, as they are shown.
        set_tab_chain(self.scroll, *self.recipe_buttons.values())
        self._filling = True
        for name, backbone in core.backbones.BACKBONES.items():
            self.backbone_combo.addItem(_translate(backbone.title), name)
        for device in engine.devices[1:]:
            self.device.addItem(device, device)
        self._filling = False
        self._fill_gpus(engine.gpus)
        if self.strategy not in RECIPES:
            self.strategy = DEFAULT_RECIPE
        if self.backbone not in core.backbones.BACKBONES:
            self.backbone = DEFAULT_BACKBONE
        if self.preset not in PRESETS:
            self.preset = DEFAULT_PRESET
        self.setEnabled(True)
        self.select(self.strategy, self.backbone)

    def _fill_gpus(self, count: int) -> None:
        """The GPUs row, shown only where a run can use several."""
        self._filling = True
        self.gpus.clear()
        self.gpus.addItem(self.tr("1 (in this window)"), 1)
        if count >= 2:
            self.gpus.addItem(i18n.fill(self.tr("all %1 (torchrun; watched in step 6)"), i18n.format_number(count)),
                              count)
        self.gpus.setCurrentIndex(1 if self.use_all_gpus and count >= 2 else 0)
        self._filling = False
        self._set_row_visible("gpus", count >= 2)

    def set_dataset(self, dataset) -> None:
        self.dataset = dataset
        self._preview_index = 0
        self._update_estimates()
        self._preview_timer.start()  # joins a preview already asked for by select()

    # ---- choosing

    def select(self, strategy: str, backbone: str | None = None) -> None:
        """Choose ``strategy`` (and ``backbone``) and show their values."""
        self.strategy = strategy
        if backbone:
            self.backbone = backbone
        self._filling = True
        self.recipe_buttons[strategy].setChecked(True)
        self.backbone_combo.setCurrentIndex(max(0, self.backbone_combo.findData(self.backbone)))
        self._filling = False
        self._fill_values()
        recipe = RECIPES[strategy]
        self.backbone_box.setEnabled(recipe.pretrained)
        self.backbone_box.setTitle(self.tr("Pretrained network (backbone)") if recipe.pretrained
                                   else self.tr("Pretrained network (not used: this strategy trains its own)"))
        self._update_weights_label()
        self._preview_timer.start()  # the image size may have changed
        self.changed.emit()

    def set_values(self, **values) -> None:
        """Type ``values`` into the form as a user would (``epochs=3, image_size=48`` ...)."""
        for name, value in values.items():
            binding = self.bindings[name]
            binding.write(value)
            if not binding.access.announces_writes:
                self._on_value_changed()

    # ---- training more

    def set_start_from(self, model_path: str) -> None:
        """Make the next run start from the model at ``model_path`` ("Train more"): its strategy and
        backbone chosen, its image size kept, and "Starting from" shown until cleared.

        Raises
        ------
        UserError
            If the file is missing, damaged or not a model of this app.
        """
        parent = core.lineage.read_parent(model_path)
        self.start_from, self.start_from_info = str(parent.path), parent.info
        self._start_parent = dataclasses.replace(parent, tensors={})
        self.start_from_label.setText(i18n.fill(
            self.tr("<b>Starting from: %1</b> (its model knows %2). The photos need every one of these classes, "
                    "and may add new ones; the network and image size are the model's."),
            parent.run_name or parent.path.name, ", ".join(parent.info.classes)))
        self.start_from_label.setToolTip(str(parent.path))
        self.start_from_row.show()
        self.select(self._parent_strategy(parent.info), parent.info.backbone if self._pretrained_parent() else None)

    def clear_start_from(self) -> None:
        """The next run starts from nothing (or ImageNet) again."""
        self.start_from = self.start_from_info = self._start_parent = None
        self.start_from_row.hide()
        self._fill_values()
        self.changed.emit()

    def _on_start_from_clear_clicked(self) -> None:
        self.clear_start_from()

    def _pretrained_parent(self) -> bool:
        return self.start_from_info is not None and self.start_from_info.backbone != SCRATCH

    def _parent_strategy(self, info) -> str:
        """The strategy that trained the model, else the first whose weights fit it."""
        if info.recipe in RECIPES:
            return info.recipe
        return next(name for name, recipe in RECIPES.items() if recipe.pretrained == self._pretrained_parent())

    def _show_start_from(self) -> None:
        """While a run is to start from a model: only the strategies its weights can start are offered,
        and its network and image size are fixed (see core/lineage.py)."""
        info = self.start_from_info
        for strategy, button in self.recipe_buttons.items():
            button.setEnabled(info is None or RECIPES[strategy].pretrained == self._pretrained_parent())
        self.backbone_combo.setEnabled(info is None)
        self.image_size.setEnabled(info is None)
        self.image_size.setToolTip("" if info is None
                                   else self.tr("A run that starts from a model uses its image size"))
        if info is not None:
            filling, self._filling = self._filling, True
            self.bindings["image_size"].write(info.image_size)
            self._filling = filling

    def _defaults(self):
        recipe = RECIPES[self.strategy]
        return resolve_settings("", self.strategy, preset=self.preset,
                                backbone=self.backbone if recipe.pretrained else None)

    def _fill_values(self) -> None:
        """Show the recipe's defaults with the user's changes for this strategy on top."""
        defaults = self._defaults()
        values = {name: getattr(defaults, name) for name in HYPER_FIELDS}
        values.update({k: v for k, v in self.overrides.get(self.strategy, {}).items() if k in values})
        augmentation = dataclasses.asdict(defaults.augmentation)
        saved = self.augmentations.get(self.strategy)
        use = defaults.augmentation.active
        if saved:
            use = saved.get("enabled", use)
            augmentation.update({k: v for k, v in saved.items() if k in augmentation})
        if not use and not defaults.augmentation.active and not saved:
            augmentation = dataclasses.asdict(Augmentation.lecture())  # ready if the user turns it on
        shown = {**values, **augmentation, "pixel_cache_gb": self.pixel_cache_gb, "use_augmentation": use}
        if shown["fine_tune_lr"] is None:  # no fine-tuning phase: its hidden field keeps what it had
            del shown["fine_tune_lr"]
        self._filling = True
        try:
            for name, value in shown.items():
                self.bindings[name].write(value)
        finally:
            self._filling = False
        fine_tuning = defaults.fine_tune_lr is not None
        for name in FINE_TUNING_FIELDS:
            self._set_row_visible(name, fine_tuning)
        self.hyper_rows["epochs"][1].setToolTip(self.tr("Epochs of the fine-tuning phase") if fine_tuning else "")
        self.hyper_form.labelForField(self.epochs).setText(self.tr("Fine-tuning &epochs:") if fine_tuning
                                                           else self.tr("&Epochs:"))
        self._show_start_from()
        self._update_augmentation_state()
        self._update_preset_label(defaults)
        self._update_estimates()

    def _update_preset_label(self, defaults) -> None:
        """Which set of values the form starts from (``defaults``: :meth:`_defaults`), what else that set
        decides, and what the user changed."""
        if defaults.preset == LECTURE_PRESET:
            text = self.tr("the lecture's (RMSprop, a constant learning rate, the best validation accuracy kept)")
        else:
            text = i18n.fill(self.tr("recommended (%1)"), ", ".join(self._recommended_parts(defaults)))
        changed = [plain_text(self.hyper_rows[name][0]).rstrip(":").lower()
                   for name in self.overrides.get(self.strategy, {}) if name in self.hyper_rows]
        if changed:
            text = i18n.fill(self.tr("%1; changed by you: %2"), text, ", ".join(changed))
        self.preset_label.setText(text)

    def _recommended_parts(self, defaults) -> list[str]:
        """What else the recommended values decide: the optimizer, the schedule, label smoothing, the epoch kept."""
        optimizer = {ADAMW: "AdamW", RMSPROP: "RMSprop"}[defaults.optimizer]
        if defaults.weight_decay:
            optimizer = i18n.fill(self.tr("%1 with weight decay %2"), optimizer, format_rate(defaults.weight_decay))
        parts = [optimizer, self.tr("a cosine learning-rate schedule") if defaults.schedule == COSINE_SCHEDULE
                 else self.tr("a constant learning rate")]
        if defaults.label_smoothing:
            parts.append(i18n.fill(self.tr("label smoothing %1"), format_rate(defaults.label_smoothing)))
        if defaults.monitor == LOSS_MONITOR:
            parts.append(self.tr("the epoch with the best validation loss kept"))
        else:
            parts.append(self.tr("the epoch with the best validation accuracy kept"))
        return parts

    def _set_row_visible(self, name: str, visible: bool) -> None:
        widget = self.hyper_rows[name][1]
        widget.setVisible(visible)
        self.hyper_form.labelForField(widget).setVisible(visible)

    def _update_augmentation_state(self) -> None:
        recipe = RECIPES[self.strategy]
        possible = not recipe.cached_features
        self.use_augmentation.setEnabled(possible)
        if not possible:
            self.augment_note.setText(self.tr("This strategy looks at each photo once and keeps what the network "
                                              "sees, so it cannot use augmentation. The preview shows what it would "
                                              "do."))
        elif recipe.augment:
            self.augment_note.setText(self.tr("The lecture's values: the network rarely sees the same photo twice, "
                                              "which keeps it from memorising the training set."))
        else:
            self.augment_note.setText(self.tr("The lecture trains this strategy without augmentation."))
        active = possible and self.bindings["use_augmentation"].read()
        for widget in self.knobs.values():
            widget.setEnabled(active or not possible)

    # ---- reading the choices

    def current_values(self) -> dict:
        """The form's values as overrides for :func:`~catdog_gui.core.recipes.resolve_settings`."""
        recipe = RECIPES[self.strategy]
        fine_tuning = recipe.fine_tune_lr is not None
        values = {name: self.bindings[name].read() for name in HYPER_FIELDS
                  if fine_tuning or name not in FINE_TUNING_FIELDS}
        if values["lr"] is None:
            raise UserError(i18n.fill(self.tr("the learning rate '%1' is not a number (write it like %2)"),
                                      self.lr.text(), format_rate(2e-5)))
        if fine_tuning and values["fine_tune_lr"] is None:
            raise UserError(i18n.fill(self.tr("the fine-tuning learning rate '%1' is not a number"),
                                      self.fine_tune_lr.text()))
        values["preset"] = self.preset
        values["pixel_cache_gb"] = self.bindings["pixel_cache_gb"].read()
        if recipe.pretrained:
            values["backbone"] = self.backbone
            values["weights_file"] = self.weights_files.get(self.backbone) or None
        use = self.bindings["use_augmentation"].read() and not recipe.cached_features
        values["augmentation"] = Augmentation(**self.augmentation_values()) if use else Augmentation()
        return values

    def augmentation_values(self) -> dict:
        """The augmentation knobs' values, by :class:`~catdog_gui.core.preprocessing.Augmentation` field."""
        return {name: self.bindings[name].read() for name in AUGMENT_FIELDS}

    def chosen_gpus(self) -> int:
        """How many GPUs a run is to train on: 1 in this window, more in a separate process."""
        return int(self.gpus.currentData() or 1)

    def build_settings(self, data: str, subset: str = EVERY_PHOTO_SUBSET):
        """The :class:`~catdog_gui.core.recipes.Settings` of a run on ``data`` (``subset``: the photos
        chosen in step 1), from the model set with :meth:`set_start_from` if any; UserError if a value
        is wrong, or the photos lack a class of that model."""
        if self._start_parent is not None and self.dataset is not None:  # said before a run starts
            core.lineage.check_classes(self._start_parent, self.dataset.classes)
        return resolve_settings(data, self.strategy, subset=subset, start_from=self.start_from,
                                **self.current_values())

    def closeEvent(self, event) -> None:
        """Wait for the panel's background tasks (a batch timing, a preview: a second or so): a thread
        still running when the application exits takes it down. The window waits for every task when it
        closes; this covers a panel shown on its own."""
        for slot in (self._timing, self._previews):
            worker = slot.worker
            slot.drop()
            if worker is not None:
                worker.wait()
        super().closeEvent(event)

    # ---- reacting

    def _on_recipe_toggled(self, index: int, checked: bool) -> None:
        if not checked or self._filling:
            return
        strategy = list(self.recipe_buttons)[index]
        if strategy != self.strategy:
            self.select(strategy)

    def _on_backbone_changed(self, index: int) -> None:
        if self._filling or index < 0:
            return
        self.backbone = self.backbone_combo.itemData(index)
        self._fill_values()  # the image size follows the backbone
        self._update_weights_label()
        self.changed.emit()

    def _on_gpus_current_index_changed(self, index: int) -> None:
        if self._filling or index < 0:
            return
        self.use_all_gpus = index > 0
        self.changed.emit()

    def _on_value_changed(self, *_) -> None:
        if self._filling or self.engine is None:
            return
        self.pixel_cache_gb = self.bindings["pixel_cache_gb"].read()
        self._remember_changes()
        self._update_augmentation_state()
        self._update_estimates()
        self._preview_timer.start()
        self.changed.emit()

    def _remember_changes(self) -> None:
        defaults = self._defaults()
        try:
            values = self.current_values()
        except Exception:  # half-typed learning rate: remember the rest next time
            return
        changed = {}
        for name in HYPER_FIELDS:
            if name in values and values[name] != getattr(defaults, name):
                changed[name] = values[name]
        if self.start_from_info is not None:  # the size shown is the model's, not a choice of the user's
            changed.pop("image_size", None)
            chosen = self.overrides.get(self.strategy, {}).get("image_size")
            if chosen is not None:
                changed["image_size"] = chosen
        self.overrides[self.strategy] = changed
        self._update_preset_label(defaults)
        knobs = self.augmentation_values()
        knobs["enabled"] = self.bindings["use_augmentation"].read()
        self.augmentations[self.strategy] = knobs

    def _on_recommended_clicked(self) -> None:
        self._reset_to(DEFAULT_PRESET)

    def _on_reset_clicked(self) -> None:
        self._reset_to(LECTURE_PRESET)

    def _reset_to(self, preset: str) -> None:
        """The form back to the strategy's values of ``preset`` (the user's changes to it forgotten)."""
        self.preset = preset
        self.overrides.pop(self.strategy, None)
        self.augmentations.pop(self.strategy, None)
        self._fill_values()
        self._preview_timer.start()
        self.changed.emit()

    def _on_weights_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Weights file for the backbone"), "",
            self.tr("Weights (*.safetensors *.pth *.pt *.bin);;All files (*)"))
        if path:
            self.weights_files[self.backbone] = path
            self._update_weights_label()
            self.changed.emit()

    def _on_weights_cleared(self) -> None:
        self.weights_files.pop(self.backbone, None)
        self._update_weights_label()
        self.changed.emit()

    def _update_weights_label(self) -> None:
        if self.engine is None:
            return
        chosen = self.weights_files.get(self.backbone)
        if chosen:
            self.weights_label.setText(i18n.fill(self.tr("from your file %1"), chosen))
        else:
            self.weights_label.setText(self._weights_status_text(self.engine.weights.get(self.backbone, WEIGHTS_UNKNOWN)))
        self.weights_clear.setVisible(bool(chosen))
        self.measured_label.setText(measured_note(self.backbone))
        built_in = self.engine.weights.get(self.backbone) == WEIGHTS_BUILT_IN
        self.weights_button.setVisible(not built_in or bool(chosen))

    def _weights_status_text(self, status: str) -> str:
        """core/backbones.py's weights_status (``"built in"``, ``"cached"``...), in a sentence."""
        return {
            WEIGHTS_BUILT_IN: self.tr("ImageNet weights built in: works offline"),
            WEIGHTS_CACHED: self.tr("ImageNet weights already downloaded"),
            WEIGHTS_DOWNLOAD_NEEDED: self.tr("ImageNet weights will be downloaded once when training starts "
                                       "(needs the internet), or use a weights file"),
            WEIGHTS_UNKNOWN: self.tr("unknown", "whether the network's weights are here"),
        }.get(status, status)

    def _apply_colours(self, palette) -> None:
        """The notes' muted lines are rich text with a colour in it: written again for a new palette."""
        self._update_estimates()

    def _update_estimates(self) -> None:
        if self.engine is None:
            return
        counts = LECTURE_PHOTOS_PER_SPLIT
        if self.dataset is not None:
            counts = {split: len(samples) for split, samples in self.dataset.splits.items()}
        where = device_text(self.engine)
        self._time_next_network()
        for strategy, note in self.recipe_notes.items():
            recipe = RECIPES[strategy]
            try:
                if strategy == self.strategy:
                    settings = resolve_settings("", strategy, **self.current_values())
                else:
                    backbone = self.backbone if recipe.pretrained else None
                    settings = resolve_settings("", strategy, preset=self.preset, backbone=backbone)
                seconds = estimate_seconds(settings, counts, self._times_for(settings), self.engine.threads)
                estimate = i18n.fill(self.tr("about %1 on %2"), format_duration(seconds), where)
            except Exception:  # values being typed: no estimate until they make sense
                estimate = self.tr("no estimate for these values")
            details = i18n.fill(self.tr("Lecture: %1. Time: %2 for %3 photos."), _translate(recipe.lecture_result),
                                estimate, i18n.format_number(sum(counts.values())))
            note.setText(f"{_translate(recipe.summary)}<br>{muted_html(details, self.palette())}")
        self._update_pixel_cache_note(sum(counts.values()))

    def _chosen_device_type(self) -> str:
        """The kind of device a run would train on: the engine's own for "auto"."""
        device = self.bindings["device"].read()
        return self.engine.device_type if device in (None, AUTO_DEVICE) else device

    def _times_for(self, settings) -> StepTimes:
        """The seconds per image of ``settings``' network on the chosen device: as timed there on one
        batch, or from FLOPs until that timing has landed (it runs in a worker; the notes are written
        again when it does)."""
        network = settings.backbone if settings.recipe.pretrained else SCRATCH
        device = self._chosen_device_type()
        measured = self._step_times.get((device, network))
        return measured or rated_step_times(settings, device, self.engine.threads)

    def _time_next_network(self) -> None:
        """Time one batch of the next network that the notes need on the chosen device and lack."""
        if self._timing.busy:
            return  # _on_timing_finished asks again
        if not self.window().isVisible():
            return  # not shown yet, or closing: no thread may start after the window has waited for its tasks
        device = self._chosen_device_type()
        for network in (SCRATCH, self.backbone):
            key = (device, network)
            if key not in self._step_times and key not in self._untimeable:
                self._timing.start(core.step_timing.measure_step_times, network, device, name="step timing",
                                   nice=BACKGROUND_NICE,  # as a run's steps are: timed as they would run
                                   returned=lambda times: self._on_timing_returned(key, times),
                                   errored=lambda error: self._on_timing_errored(key, error),
                                   finished=self._on_timing_finished)
                return

    def _on_timing_returned(self, key: tuple[str, str], times: StepTimes) -> None:
        self._step_times[key] = times
        self._update_estimates()

    def _on_timing_errored(self, key: tuple[str, str], error: BaseException) -> None:
        self._untimeable.add(key)  # a device out of memory, a backbone that cannot be built: keep the rough one
        self._update_estimates()

    def _on_timing_finished(self) -> None:
        self._time_next_network()  # the slot is free now: the next network the notes lack, if any

    def _update_pixel_cache_note(self, images: int) -> None:
        """What the chosen photos take decoded at this image size, against the disk budget."""
        if RECIPES[self.strategy].cached_features:
            self.pixel_cache_note.setText(self.tr("This strategy keeps features (a few KB per photo), not photos."))
            return
        side = self.bindings["image_size"].read()
        needed = images * side * side * 3 / 2**30
        budget = self.bindings["pixel_cache_gb"].read()
        how = (self.tr("kept on disk after the first read, so later runs start at once")
               if needed <= budget else self.tr("more than this budget: decoded again every epoch"))
        text = self.tr("%1 photos at %2 px take %3 GB decoded: %4.")  # a data set has two photos at least
        self.pixel_cache_note.setText(i18n.fill(text, i18n.format_number(images), side, i18n.format_number(needed, 1),
                                                how))

    # ---- preview

    def _preview_paths(self) -> list[str]:
        if self.dataset is None:
            return []
        train = self.dataset.splits.get("train", [])
        return [sample.path for sample in train]

    def refresh_preview(self) -> None:
        """Draw new augmented versions of a training photo (in the background)."""
        paths = self._preview_paths()
        if not paths or self.engine is None:
            return
        path = paths[self._preview_index % len(paths)]
        size = min(self.bindings["image_size"].read(), 224)
        seed = self._preview_seed
        self._preview_requests += 1
        self._previews.start(augmented_previews, path, size, self.augmentation_values(), seed,
                             name="augmentation preview", errored=self._on_preview_errored,
                             returned=lambda images: self._on_preview_returned(images, seed))

    def _on_preview_timer_timeout(self) -> None:
        self.refresh_preview()

    def _on_new_samples_clicked(self) -> None:
        self._preview_seed = random.randrange(1 << 30)
        self.refresh_preview()

    def _on_other_photo_clicked(self) -> None:
        paths = self._preview_paths()
        if paths:
            self._preview_index = (self._preview_index + random.randrange(1, max(2, len(paths)))) % len(paths)
        self.refresh_preview()

    def _on_preview_returned(self, images, seed: int) -> None:
        for label, image in zip(self.preview_labels, images):
            label.setPixmap(preview_pixmap(image, label.devicePixelRatioF()))
        self.preview_shown = len(images)
        self.preview_seed_shown = seed
        self._preview_done = self._preview_requests  # only the latest request's images arrive

    @property
    def preview_current(self) -> bool:
        """True when the preview shows the current photo and knobs (nothing pending or being drawn)."""
        return not self._preview_timer.isActive() and self._preview_done == self._preview_requests

    def _on_preview_errored(self, error) -> None:
        self.banner.show_message(i18n.fill(self.tr("The augmentation preview failed: %1"), describe_error(error)),
                                 "warning")

    def set_locked(self, locked: bool) -> None:
        """While a run trains, its strategy cannot change."""
        self.setEnabled(not locked and self.engine is not None)

