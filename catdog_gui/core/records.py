"""The records a training run yields, as plain data, free of torch.

:meth:`.training.Training.run` yields them; the window and the command line read them. They live here,
apart from the training loop, so that the window can name them at import time without loading torch
(:mod:`.training` re-exports them, so ``from catdog_gui.core.training import Finished`` keeps working).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: images.py loads numpy and Pillow
    from .images import Skipped

# PhaseStarted.phase, Progress.phase and the phase column of metrics.csv: the stages of a run (a run reads
# its photos either decoding them or extracting their features).
PHASES = ("decoding", "extracting", "training", "fine-tuning", "testing")
DECODING, EXTRACTING, TRAINING, FINE_TUNING, TESTING = PHASES
EPOCH_PHASES = (TRAINING, FINE_TUNING)  # the phases made of epochs


@dataclass(frozen=True)
class PhaseStarted:
    """A new stage: ``decoding``, ``extracting``, ``training``, ``fine-tuning`` or ``testing``."""

    phase: str
    title: str
    epochs: int = 0


@dataclass(frozen=True)
class Notice:
    """A one-line message for the user that changes nothing in the run (how it reads its photos, a
    damaged cache entry computed again)."""

    text: str


@dataclass(frozen=True)
class Progress:
    """Work that is not an epoch (decoding photos, extracting features): ``done`` of ``total`` images."""

    phase: str
    done: int
    total: int
    images_per_second: float
    eta_seconds: float


@dataclass(frozen=True)
class BatchDone:
    phase: str
    epoch: int
    epochs: int
    batch: int
    batches: int
    loss: float
    accuracy: float
    images_per_second: float
    eta_seconds: float


@dataclass(frozen=True)
class EpochDone:
    phase: str
    epoch: int
    epochs: int
    loss: float
    accuracy: float
    val_loss: float
    val_accuracy: float
    seconds: float
    images_per_second: float
    eta_seconds: float
    improved: bool


@dataclass(frozen=True)
class Finished:
    run_dir: str
    model_path: str | None
    best_val_accuracy: float | None
    test_accuracy: float | None
    epochs: int
    stopped: bool
    early_stopped: bool
    device: str
    seconds_per_epoch: float | None
    skipped: tuple[Skipped, ...] = ()
    reading: str = ""  # how the photos were read: see READING
    preparing_seconds: float | None = None  # from the start of the run to its first training batch
    train_images_per_second: float | None = None  # training photos per second of training (median epoch)
    world_size: int = 1  # processes that trained together (torchrun); 1 for a single process


Record = PhaseStarted | Notice | Progress | BatchDone | EpochDone | Finished

READING = {
    "features": "features from the feature cache (computed once per photo)",
    "pixel-cache": "decoded photos from the pixel cache on disk (decoded once per photo)",
    "streaming": "photos decoded every epoch (the pixel cache would pass its disk budget)",
}
