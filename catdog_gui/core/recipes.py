"""The five strategies of the lecture as data, and the settings of one run resolved from them.

Adding a strategy: docs/ARCHITECTURE.md, "How to add a recipe" (names.py, here, the window's texts, tests).

Each strategy has two sets of values (presets). ``lecture``: the lecture's own (Chollet, Deep Learning
with Python, 1st ed., ch. 5), tuned for VGG16 and two classes; they reproduce its runs. ``recommended``
(the default): values chosen by measuring on cats vs dogs and on 17 kinds of flower, which suit any
number of classes (bench/presets.py chose them, bench/quality.py measures them). Every value can be
overridden. Pretrained backbones use their own input size by default (224 px for EfficientNet-Lite0
gives 0.98 where 150 px gives 0.95 on cats vs dogs); the small CNN uses 150 px.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field

from . import runfiles
from .errors import UserError
from .names import (CLASS_WEIGHTS, DEFAULT_BACKBONE, DEFAULT_PRESET, DEFAULT_RECIPE, MONITORS,  # noqa: F401
                    OPTIMIZERS, PRESETS, SCHEDULES, SCRATCH, SUBSETS)
from .paths import DEFAULT_PIXEL_CACHE_GB
from .runfiles import SETTINGS_FILE, settings_values
from .specs import FILL_MODES, Augmentation, HeadSpec


@dataclass(frozen=True)
class Recipe:
    id: str
    title: str
    summary: str
    head: HeadSpec
    lr: float
    batch_size: int
    epochs: int
    augment: bool
    pretrained: bool = False
    cached_features: bool = False
    fine_tune_lr: float | None = None  # set: a second phase unfreezes the base's top block
    head_epochs: int = 0  # epochs of the head-only phase before fine-tuning
    lecture_result: str = ""
    recommended: dict = field(default_factory=dict)  # Settings fields that the recommended preset changes


# The recommended values of a head on a pretrained base. The lecture's 2e-5 suits VGG16's 8192 flattened
# features and two classes; on EfficientNet features it underfits many classes. Chosen by the mean
# validation accuracy over several splits of flowers17 and of the lecture's cats and dogs train and
# validation photos, its test photos left out (bench/presets.py compares the candidates: learning rates,
# AdamW, the cosine schedule, label smoothing, keeping the epoch of the lowest validation loss).
PRETRAINED_HEAD = {"lr": 1e-3, "schedule": "cosine", "label_smoothing": 0.1}

# Fine-tuning: the head as above for 5 epochs, then the top block 15 epochs at 3e-4 (against 3e-5 and
# 1e-4, with and without label smoothing, on flowers17: bench/presets.py), both phases on the cosine
# schedule.
FINE_TUNING = {"lr": 1e-3, "head_epochs": 5, "epochs": 15, "fine_tune_lr": 3e-4, "schedule": "cosine"}

RECIPES: dict[str, Recipe] = {
    r.id: r
    for r in (
        Recipe("scratch", "Small CNN from scratch",
               "Trains a small network from nothing. Quick to understand; overfits a small set (about 71-74%).",
               HeadSpec(512), 1e-4, 20, 30, augment=False, lecture_result="about 71% validation"),
        Recipe("scratch-augmented", "Small CNN with augmentation and dropout",
               "The same network, shown randomly turned, shifted and zoomed photos; overfits far less (about 82%).",
               HeadSpec(512, dropout_before=0.5), 1e-4, 32, 100, augment=True, lecture_result="about 82%"),
        Recipe("feature-extraction", "Pretrained features (fastest)",
               "Runs a network trained on ImageNet once over every photo and trains a small head on what it sees. "
               "Fast and accurate: the best first choice.",
               HeadSpec(256, dropout_after=0.5), 2e-5, 20, 30, augment=False, pretrained=True,
               cached_features=True, lecture_result="about 90% (VGG16)", recommended=PRETRAINED_HEAD),
        Recipe("feature-extraction-augmented", "Pretrained features with augmentation",
               "Keeps the pretrained network frozen inside the model and shows it augmented photos. Slower, a "
               "little more accurate.",
               HeadSpec(256), 2e-5, 20, 30, augment=True, pretrained=True, lecture_result="about 96% (VGG16)",
               recommended={**PRETRAINED_HEAD, "epochs": 20}),
        Recipe("fine-tuning", "Fine-tuning the top block",
               "Trains a head on the frozen pretrained network, then also adjusts the network's top block. "
               "The most accurate, and the slowest.",
               # The lecture trains VGG16 30 + 100 epochs on a GPU. A pretrained EfficientNet-Lite0 levels
               # off within a few epochs, and 10 + 20 finish in minutes on a laptop's CPU.
               HeadSpec(256), 2e-5, 20, 20, augment=True, pretrained=True, fine_tune_lr=1e-5, head_epochs=10,
               lecture_result="about 97% test (VGG16)", recommended=FINE_TUNING),
    )
}
# DEFAULT_RECIPE, PRESETS, OPTIMIZERS, SCHEDULES, MONITORS and CLASS_WEIGHTS are in names.py (no torch).
# "auto" weighs the classes (by the inverse of their share of the training photos) when the largest
# class has more than this many times the photos of the smallest.
IMBALANCE_RATIO = 3.0


@dataclass(frozen=True)
class Settings:
    """Everything that decides one training run; stored as ``settings.json`` in the run folder."""

    data: str
    strategy: str = DEFAULT_RECIPE
    backbone: str = SCRATCH
    weights_file: str | None = None
    epochs: int = 30
    head_epochs: int = 0
    batch_size: int = 20
    lr: float = 1e-4
    fine_tune_lr: float | None = None
    image_size: int = 150
    augmentation: Augmentation = field(default_factory=Augmentation)
    early_stopping: int = 0  # stop a phase after this many epochs without a better validation accuracy
    seed: int = 0
    device: str = "auto"
    precision: str = "auto"
    pixel_cache_gb: float = DEFAULT_PIXEL_CACHE_GB  # see core/paths.py
    steps_per_epoch: int = 0  # batches per epoch (the lecture's steps_per_epoch); 0: the whole split
    subset: str = "all"  # one of datasets.SUBSETS; settings.json files written without it use every photo
    # Fields below came with the presets; settings.json files written without them are the lecture's.
    preset: str = "lecture"
    optimizer: str = "rmsprop"  # Keras's RMSprop, as the lecture; or AdamW (decoupled weight decay)
    weight_decay: float = 0.0
    label_smoothing: float = 0.0
    schedule: str = "constant"  # or "cosine": the learning rate falls to 0 over each phase
    monitor: str = "accuracy"
    class_weights: str = "auto"
    # Training more (see core/lineage.py): the model file whose weights the run begins from, and the name of
    # the run folder that model lies in (None for a model outside one). Older settings.json files lack them.
    start_from: str | None = None
    start_from_run: str | None = None

    @property
    def recipe(self) -> Recipe:
        return RECIPES[self.strategy]

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str, source: str | os.PathLike = SETTINGS_FILE) -> "Settings":
        """The settings in ``text`` (the format of a run folder's settings.json).

        Raises
        ------
        UserError
            Naming ``source`` and what is wrong: not JSON, not an object, an unknown setting, a missing
            or wrongly typed value (see :func:`.runfiles.settings_values`).
        """
        values = settings_values(text, source)
        values["augmentation"] = Augmentation(**values.get("augmentation", {}))
        return cls(**values)

    @classmethod
    def read(cls, path: str | os.PathLike) -> "Settings":
        """The settings in the file at ``path``; a UserError naming it if it cannot be read or used."""
        return cls.from_json(runfiles.read_text(path), path)


def resolve_settings(data: str, strategy: str | None = DEFAULT_RECIPE, preset: str | None = None,
                     **overrides) -> Settings:
    """The recipe's values of ``preset`` (default: recommended) with ``overrides`` (``None`` values are
    ignored), checked for sense. With ``start_from`` (a model file) the run trains that model more:
    ``strategy`` None then means the model's, and its backbone and image size are the defaults."""
    if overrides.get("start_from"):
        from .lineage import parent_overrides

        strategy, overrides = parent_overrides(overrides["start_from"], strategy, overrides)
    strategy = strategy or DEFAULT_RECIPE
    if strategy not in RECIPES:
        raise UserError(f"unknown strategy '{strategy}'; choose one of {', '.join(RECIPES)}")
    preset = preset or DEFAULT_PRESET
    if preset not in PRESETS:
        raise UserError(f"unknown preset '{preset}'; choose one of {', '.join(PRESETS)}")
    recipe = RECIPES[strategy]
    overrides = {k: v for k, v in overrides.items() if v is not None}
    backbone = overrides.pop("backbone", DEFAULT_BACKBONE if recipe.pretrained else SCRATCH)
    if not recipe.pretrained and backbone != SCRATCH:
        raise UserError(f"the '{strategy}' strategy trains its own small CNN; --backbone is for pretrained ones")
    default_size = _backbone_image_size(backbone) if recipe.pretrained else 150
    settings = Settings(
        data=str(data),
        strategy=strategy,
        backbone=backbone,
        epochs=recipe.epochs,
        head_epochs=recipe.head_epochs,
        batch_size=recipe.batch_size,
        lr=recipe.lr,
        fine_tune_lr=recipe.fine_tune_lr,
        image_size=default_size,
        augmentation=Augmentation.lecture() if recipe.augment else Augmentation(),
        preset=preset,
    )
    if preset == "recommended":
        settings = dataclasses.replace(settings, **recipe.recommended)
    settings = dataclasses.replace(settings, **overrides)
    _check(settings)
    return settings


def _backbone_image_size(name: str) -> int:
    """The input size of the pretrained backbone ``name``; UserError if there is none of that name."""
    from .backbones import get_backbone  # loads torch: only when settings are resolved, not on import

    return get_backbone(name).image_size


def _check(settings: Settings) -> None:
    problems = []
    if not 1 <= settings.epochs <= 10_000:
        problems.append(f"epochs must be between 1 and 10000 (got {settings.epochs})")
    if not 0 <= settings.head_epochs <= 10_000:
        problems.append(f"head epochs must be between 0 and 10000 (got {settings.head_epochs})")
    if not 1 <= settings.batch_size <= 4096:
        problems.append(f"batch size must be between 1 and 4096 (got {settings.batch_size})")
    for name in ("lr", "fine_tune_lr"):
        value = getattr(settings, name)
        if value is not None and not 0 < value < 10:
            problems.append(f"learning rate must be above 0 and below 10 (got {value})")
    if not 48 <= settings.image_size <= 1024:
        problems.append(f"image size must be between 48 and 1024 pixels (got {settings.image_size})")
    if settings.augmentation.fill_mode not in FILL_MODES:
        problems.append(f"fill mode must be one of {', '.join(FILL_MODES)}")
    if not 0 <= settings.pixel_cache_gb <= 1_000_000:
        problems.append(f"the pixel cache budget must be between 0 and 1000000 GB (got {settings.pixel_cache_gb})")
    if settings.steps_per_epoch < 0:
        problems.append(f"steps per epoch cannot be negative (got {settings.steps_per_epoch})")
    if settings.early_stopping < 0:
        problems.append("early stopping patience cannot be negative")
    for name, choices in (("preset", PRESETS), ("optimizer", OPTIMIZERS), ("schedule", SCHEDULES),
                          ("monitor", MONITORS), ("class_weights", CLASS_WEIGHTS)):
        if getattr(settings, name) not in choices:
            problems.append(f"{name.replace('_', ' ')} must be one of {', '.join(choices)} "
                            f"(got '{getattr(settings, name)}')")
    if not 0 <= settings.weight_decay < 1:
        problems.append(f"weight decay must be at least 0 and below 1 (got {settings.weight_decay})")
    if not 0 <= settings.label_smoothing < 1:
        problems.append(f"label smoothing must be at least 0 and below 1 (got {settings.label_smoothing})")
    if settings.subset not in SUBSETS:
        problems.append(f"subset must be one of {', '.join(SUBSETS)} (got '{settings.subset}')")
    if problems:
        raise UserError("; ".join(problems))
