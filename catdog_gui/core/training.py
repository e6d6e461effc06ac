"""The training loop, as a generator of small records.

``Training(settings).run()`` yields :class:`PhaseStarted`, :class:`Progress` (decoding, feature
extraction), :class:`BatchDone`, :class:`EpochDone` and finally :class:`Finished`. Progress bars,
plots, stopping and pausing all fall out of iterating it; ``stop()`` and ``pause()`` may be called
from another thread and take effect at the next batch.

A run folder holds ``settings.json``, ``metrics.csv`` (one row per epoch), ``best.safetensors`` (the
model with the best validation accuracy so far), ``last.safetensors`` and, until the run ends normally,
``checkpoint.pt`` (weights, optimiser and position, read back without unpickling code) from which a
stopped or interrupted run resumes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Iterator

import torch
from torch import nn

from . import preprocessing
from .backbones import get_backbone, pretrained_state_dict
from .datasets import Dataset, load_dataset
from .device import (autocast, configure_runtime, describe_device, is_out_of_memory, map_in_batches,
                     pick_device, release_cached_memory, resolve_precision)
from .errors import UserError
from .features import FeatureCache, content_digest
from .images import Skipped
from .modelfile import model_info, save_model, write_atomically
from .models import ImageClassifier, build_classifier, depthwise_in_float32, frozen_copy
from .paths import CHECKPOINT, can_resume, default_runs_dir
from .recipes import Settings

EVAL_BATCH = 64
# Photos that are not augmented (validation, test) give the same output from the frozen part of a base
# every epoch: it is computed once per phase and kept, up to this size, on the training device.
FROZEN_OUTPUT_BUDGET = 1 << 30
EXTRACT_CHUNK = 256


# ---- records -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PhaseStarted:
    """A new stage: ``decoding``, ``extracting``, ``training``, ``fine-tuning`` or ``testing``."""

    phase: str
    title: str
    epochs: int = 0


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


Record = PhaseStarted | Progress | BatchDone | EpochDone | Finished


@dataclass
class _Split:
    """One split ready for the loop: inputs (uint8 pixels or cached features), labels, file paths."""

    inputs: torch.Tensor
    labels: torch.Tensor
    paths: list[str]


@dataclass
class _Phase:
    name: str
    title: str
    epochs: int
    lr: float
    train_top: bool  # also train the base's top block (fine-tuning)


@dataclass
class _State:
    """Everything a checkpoint restores."""

    phase_index: int = 0
    epoch: int = 0  # epochs completed in the current phase
    best_val: float | None = None
    best_val_loss: float | None = None
    stale_epochs: int = 0
    history: list[dict] = field(default_factory=list)


# ---- the run -----------------------------------------------------------------------------------

class Training:
    """One training run. Create it with settings (a new run) or with :meth:`resume` (an old one)."""

    def __init__(self, settings: Settings, runs_dir: str | Path | None = None, run_dir: str | Path | None = None):
        self.settings = settings
        self.run_dir = Path(run_dir) if run_dir else _new_run_dir(Path(runs_dir or default_runs_dir()), settings)
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._resuming = run_dir is not None

    @classmethod
    def resume(cls, run_dir: str | Path) -> "Training":
        """Continue an interrupted run from its last completed epoch."""
        run_dir = Path(run_dir)
        try:
            settings = Settings.from_json((run_dir / "settings.json").read_text())
        except (OSError, ValueError, TypeError) as error:
            raise UserError(f"{run_dir}: not a run folder that can be resumed ({error})") from None
        if not can_resume(run_dir) and (run_dir / "metrics.csv").exists():
            raise UserError(f"{run_dir}: this run has finished; there is nothing to continue")
        return cls(settings, run_dir=run_dir)

    # control, from any thread
    def stop(self) -> None:
        self._stop.set()
        self._running.set()

    def pause(self) -> None:
        self._running.clear()

    def unpause(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def _should_stop(self) -> bool:
        while not self._running.wait(0.1):
            pass
        return self._stop.is_set()

    # the generator
    def run(self) -> Iterator[Record]:
        """The run's records; running out of memory ends it with a UserError that suggests what to change."""
        try:
            yield from self._run()
            return
        except Exception as error:
            if not is_out_of_memory(error):
                raise
        # Out of the except clause, the traceback that held the failed step's tensors is gone.
        release_cached_memory()
        raise UserError(self._out_of_memory_message())

    def _out_of_memory_message(self) -> str:
        s = self.settings
        kept = (f"; the best model so far is kept in {self.run_dir}"
                if (self.run_dir / "best.safetensors").exists() else "")
        return (f"out of memory on {describe_device(self.device)} with batches of {s.batch_size} images of "
                f"{s.image_size} px; try a smaller batch size (for instance {max(1, s.batch_size // 2)}) or a "
                f"smaller image size{kept}")

    def _run(self) -> Iterator[Record]:
        s = self.settings
        configure_runtime()
        torch.manual_seed(s.seed)
        random.seed(s.seed)
        self.device = pick_device(s.device)
        self.precision = resolve_precision(self.device, s.precision)
        dataset = load_dataset(s.data, seed=s.seed)
        self.dataset = dataset
        _make_run_dir(self.run_dir, clean=self._resuming)
        write_atomically(self.run_dir / "settings.json", lambda t: Path(t).write_text(s.to_json()))

        model, weights_id = self._build_model(dataset)
        recipe = s.recipe
        try:
            if recipe.cached_features:
                yield PhaseStarted("extracting", f"Extracting features with {get_backbone(s.backbone).title}")
                data = yield from self._extract_all(model, weights_id, dataset)
            else:
                yield PhaseStarted("decoding", "Reading photos")
                data = yield from self._decode_all(dataset)
        except _Cancelled:
            yield self._finished(_State(), None, stopped=True, early=False)
            return
        if len(data["train"].labels) == 0 or len(data["validation"].labels) == 0:
            raise UserError(f"{s.data}: no usable training or validation images remain")

        state, saved = self._load_checkpoint(model) if self._resuming else (_State(), None)
        if state.history:  # a run killed between writing its metrics and its checkpoint: agree again
            self._write_metrics(state.history)
        trainer = _Loop(self, model, data, recipe.cached_features)
        stopped = early = False
        for index, phase in enumerate(self._phases()):
            if index < state.phase_index:
                continue
            if index > state.phase_index:
                state.phase_index, state.epoch, state.stale_epochs = index, 0, 0
            yield PhaseStarted(phase.name, phase.title, phase.epochs)
            optimizer = trainer.start_phase(phase, saved)
            saved = None  # the saved optimiser belongs to the phase the run stopped in
            while state.epoch < phase.epochs:
                record = yield from trainer.epoch(phase, state.epoch, optimizer)
                if record is None:
                    stopped = True
                    break
                state.epoch += 1
                improved = _better(record, state)
                if improved:
                    state.best_val, state.best_val_loss, state.stale_epochs = record.val_accuracy, record.val_loss, 0
                    self._save_model(model, "best.safetensors", dataset, {"val_accuracy": record.val_accuracy})
                else:
                    state.stale_epochs += 1
                state.history.append(_history_row(phase.name, state.epoch, record))
                self._write_metrics(state.history)
                self._save_checkpoint(model, optimizer, state, trainer.generator)
                yield replace(record, improved=improved)
                if s.early_stopping and state.stale_epochs >= s.early_stopping:
                    early = True
                    break
            if stopped:
                break

        self._save_model(model, "last.safetensors", dataset, {})
        best_path = self.run_dir / "best.safetensors"
        test_accuracy = None
        if not stopped and "test" in data and len(data["test"].labels):
            yield PhaseStarted("testing", "Measuring accuracy on the test photos")
            test_accuracy = trainer.test_accuracy(best_path)
            if best_path.exists():
                self._save_model(model, "best.safetensors", dataset,
                                 {"val_accuracy": state.best_val, "test_accuracy": test_accuracy})
        if not stopped:
            # Only an unfinished run needs it (and a fine-tuning checkpoint is as big as the model twice).
            (self.run_dir / CHECKPOINT).unlink(missing_ok=True)
        yield self._finished(state, test_accuracy, stopped, early)

    def _finished(self, state: _State, test_accuracy, stopped: bool, early: bool) -> Finished:
        best_path = self.run_dir / "best.safetensors"
        times = sorted(row["seconds"] for row in state.history)
        return Finished(
            run_dir=str(self.run_dir),
            model_path=str(best_path) if best_path.exists() else None,
            best_val_accuracy=state.best_val,
            test_accuracy=test_accuracy,
            epochs=len(state.history),
            stopped=stopped,
            early_stopped=early,
            device=describe_device(self.device),
            seconds_per_epoch=times[len(times) // 2] if times else None,
            skipped=tuple(self.dataset.skipped),
        )

    # ---- pieces of run()

    def _phases(self) -> list[_Phase]:
        s = self.settings
        if s.fine_tune_lr is None:
            return [_Phase("training", "Training", s.epochs, s.lr, train_top=False)]
        phases = [_Phase("training", "Training the head (base frozen)", s.head_epochs, s.lr, train_top=False)]
        phases.append(_Phase("fine-tuning", "Fine-tuning the top block", s.epochs, s.fine_tune_lr, train_top=True))
        return [p for p in phases if p.epochs > 0]

    def _build_model(self, dataset: Dataset) -> tuple[ImageClassifier, str]:
        s = self.settings
        state_dict, weights_id = None, "random"
        if s.recipe.pretrained:
            state_dict, weights_id = pretrained_state_dict(get_backbone(s.backbone), s.weights_file)
        model = build_classifier(s.backbone, len(dataset.classes), s.recipe.head, s.image_size, state_dict)
        return model.to(self.device, memory_format=torch.channels_last), weights_id

    def _decode_all(self, dataset: Dataset) -> Iterator[Record]:
        """Every photo decoded once into uint8 pixels at the run's image size, kept in memory."""
        data = {}
        for split, samples in dataset.splits.items():
            paths = [sample.path for sample in samples]
            clock = _Clock(len(paths))
            chunks, kept = [], []
            for start in range(0, len(paths), EXTRACT_CHUNK):
                if self._should_stop():
                    raise _Cancelled
                pixels, kept_here, skipped = preprocessing.decode_all(paths[start:start + EXTRACT_CHUNK],
                                                                     self.settings.image_size)
                dataset.drop(skipped)
                chunks.append(pixels)
                kept += [start + i for i in kept_here]
                yield clock.progress(f"reading {split}", min(len(paths), start + EXTRACT_CHUNK))
            size = self.settings.image_size
            pixels = torch.cat(chunks) if chunks else torch.zeros(0, 3, size, size, dtype=torch.uint8)
            labels = torch.tensor([samples[i].label for i in kept], dtype=torch.long)
            data[split] = _Split(pixels, labels, [paths[i] for i in kept])
        return data

    def _extract_all(self, model: ImageClassifier, weights_id: str, dataset: Dataset) -> Iterator[Record]:
        """Base features for every photo, from the cache where it has them, computing the rest."""
        s = self.settings
        cache = FeatureCache(s.backbone, weights_id, s.image_size)
        frozen = frozen_copy(model)
        data = {}
        try:
            for split, samples in dataset.splits.items():
                paths = [sample.path for sample in samples]
                digests, unreadable = _digests(paths)
                dataset.drop(unreadable)
                missing = [i for i, d in enumerate(digests) if d is not None and cache.get(d) is None]
                clock = _Clock(len(missing))
                for start in range(0, len(missing), EXTRACT_CHUNK):
                    if self._should_stop():
                        raise _Cancelled
                    chunk = missing[start:start + EXTRACT_CHUNK]
                    pixels, kept, skipped = preprocessing.decode_all([paths[i] for i in chunk], s.image_size)
                    dataset.drop(skipped)
                    features = self._features(frozen, pixels)
                    for row, position in zip(features, kept):
                        cache.put(digests[chunk[position]], row)
                    yield clock.progress(f"extracting {split}", start + len(chunk))
                rows = [(cache.get(d), i) for i, d in enumerate(digests) if d is not None]
                rows = [(f, i) for f, i in rows if f is not None]
                data[split] = _Split(
                    torch.stack([f for f, _ in rows]) if rows else torch.zeros(0, model.feature_size),
                    torch.tensor([samples[i].label for _, i in rows], dtype=torch.long),
                    [paths[i] for _, i in rows],
                )
        finally:
            cache.save()
        return data

    @torch.inference_mode()
    def _features(self, model: ImageClassifier, pixels: torch.Tensor) -> torch.Tensor:
        def batch_features(start: int, stop: int) -> torch.Tensor:
            batch = preprocessing.to_input(pixels[start:stop], self.device)
            with autocast(self.device, self.precision):
                return model.features(batch).float().cpu()

        out = map_in_batches(batch_features, len(pixels), EVAL_BATCH)
        return torch.cat(out) if out else torch.zeros(0, model.feature_size)

    def _save_model(self, model: ImageClassifier, name: str, dataset: Dataset, metrics: dict) -> None:
        s = self.settings
        info = model_info(model, dataset.classes, s.image_size, s.backbone, s.recipe.head, s.strategy,
                          {k: v for k, v in metrics.items() if v is not None})
        save_model(self.run_dir / name, model, info)

    def _write_metrics(self, history: list[dict]) -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(history[0]))
        writer.writeheader()
        writer.writerows(history)
        write_atomically(self.run_dir / "metrics.csv", lambda t: Path(t).write_text(buffer.getvalue()))

    def _save_checkpoint(self, model, optimizer, state: _State, generator: torch.Generator) -> None:
        checkpoint = {
            "model": self._changing_weights(model),
            "optimizer": optimizer.state_dict(),
            "state": json.dumps(state.__dict__),
            "generator": generator.get_state(),
        }
        write_atomically(self.run_dir / CHECKPOINT, lambda t: torch.save(checkpoint, t))

    def _changing_weights(self, model: ImageClassifier) -> dict[str, torch.Tensor]:
        """The weights training can change: a frozen pretrained base is rebuilt, not checkpointed."""
        state = model.state_dict()
        if self.settings.recipe.pretrained and self.settings.fine_tune_lr is None:
            return {k: v for k, v in state.items() if k.startswith("head.")}
        return state

    def _load_checkpoint(self, model: ImageClassifier) -> tuple[_State, tuple | None]:
        """Restore the weights; the position in the run, and the optimiser and shuffling states."""
        path = self.run_dir / CHECKPOINT
        if not path.exists():
            return _State(), None
        try:
            checkpoint = torch.load(path, map_location="cpu", weights_only=True)
            loaded = model.load_state_dict(checkpoint["model"], strict=False)
            if loaded.unexpected_keys or any(k.startswith("head.") for k in loaded.missing_keys):
                raise ValueError("its weights do not fit this run's model")
            saved = (checkpoint["optimizer"], checkpoint["generator"])
            state = _State(**json.loads(checkpoint["state"]))
        except Exception as error:  # a damaged checkpoint: say so rather than silently restarting
            raise UserError(f"{path}: the checkpoint cannot be read ({error}); start a new run instead") from None
        return state, saved


class _Cancelled(Exception):
    pass


class _Loop:
    """Epochs over prepared data: cached features (head only) or pixels (through the whole model)."""

    def __init__(self, training: Training, model: ImageClassifier, data: dict[str, _Split], on_features: bool):
        self.t = training
        self.s = training.settings
        self.model = model
        self.data = data
        self.on_features = on_features
        self.device = training.device
        self.generator = torch.Generator().manual_seed(self.s.seed)
        self.binary = model.head[-1].out_features == 1
        self.loss_fn = nn.BCEWithLogitsLoss() if self.binary else nn.CrossEntropyLoss()
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=training.precision == "fp16")
        self.phase: _Phase | None = None
        self.frozen_lower = self.frozen_top = None
        self._frozen_outputs: dict[int, torch.Tensor | None] = {}  # per split, see FROZEN_OUTPUT_BUDGET

    def _fold_frozen_parts(self) -> None:
        """Folded copies of the frozen parts of a pretrained base, used for its forward passes."""
        if self.s.recipe.pretrained and not self.on_features:
            self.frozen_lower = frozen_copy(self.model.lower)
            self.frozen_top = None if self.phase.train_top else frozen_copy(self.model.top)
        self._frozen_outputs = {}

    def start_phase(self, phase: _Phase, saved: tuple | None) -> torch.optim.Optimizer:
        """Freeze and unfreeze for ``phase``; ``saved`` (optimiser, generator states) resumes it."""
        self.phase = phase
        self._fold_frozen_parts()
        model = self.model
        pretrained = self.s.recipe.pretrained
        model.requires_grad_(not pretrained)
        model.head.requires_grad_(True)
        if phase.train_top:
            model.top.requires_grad_(True)
            if self.device.type == "cpu" and self.t.precision == "bf16":
                depthwise_in_float32(model.top)
        params = [p for p in model.parameters() if p.requires_grad]
        # Keras's RMSprop, which the lecture's learning rates were tuned for: rho 0.9, epsilon 1e-7.
        optimizer = torch.optim.RMSprop(params, lr=phase.lr, alpha=0.9, eps=1e-7)
        if saved is not None:
            optimizer.load_state_dict(saved[0])
            self.generator.set_state(saved[1])
        return optimizer

    def _train_mode(self) -> None:
        if self.s.recipe.pretrained:
            self.model.eval()  # frozen batch-norm statistics, as Keras does for a frozen base
            self.model.head.train()
        else:
            self.model.train()

    def _logits(self, inputs: torch.Tensor, training: bool) -> torch.Tensor:
        if self.on_features:
            return self.model.head(inputs.to(self.device, non_blocking=True))
        x = preprocessing.to_input(inputs, self.device)
        if training and self.s.augmentation.active:
            x = preprocessing.augment(x, self.s.augmentation, self.generator)
        if not self.s.recipe.pretrained:
            return self.model(x)
        features = self.model.features(x, lower_grad=False, top_grad=training and self.phase.train_top,
                                       lower=self.frozen_lower, top=self.frozen_top)
        return self.model.head(features)

    def _loss(self, logits: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, int]:
        logits = logits.float()
        if self.binary:
            loss = self.loss_fn(logits.squeeze(1), labels.float())
            correct = ((logits.squeeze(1) > 0).long() == labels).sum()
        else:
            loss = self.loss_fn(logits, labels)
            correct = (logits.argmax(1) == labels).sum()
        return loss, int(correct)

    def epoch(self, phase: _Phase, epoch: int, optimizer) -> Iterator[Record]:
        """Train one epoch and validate; the EpochDone record, or None when stopped."""
        train = self.data["train"]
        n = len(train.labels)
        batch_size = self.s.batch_size
        batches = math.ceil(n / batch_size)
        order = torch.randperm(n, generator=self.generator)
        self._train_mode()
        started = time.perf_counter()
        total_loss = total_correct = seen = 0
        for batch in range(batches):
            if self.t._should_stop():
                return None
            index = order[batch * batch_size:(batch + 1) * batch_size]
            labels = train.labels[index].to(self.device, non_blocking=True)
            with autocast(self.device, self.t.precision):
                logits = self._logits(train.inputs[index], training=True)
            loss, correct = self._loss(logits, labels)
            optimizer.zero_grad(set_to_none=True)
            self.scaler.scale(loss).backward()
            self.scaler.step(optimizer)
            self.scaler.update()
            size = len(index)
            total_loss += float(loss.detach()) * size
            total_correct += correct
            seen += size
            elapsed = time.perf_counter() - started
            rate = seen / elapsed if elapsed > 0 else 0.0
            remaining = (n - seen) + n * (phase.epochs - epoch - 1)
            yield BatchDone(phase.name, epoch + 1, phase.epochs, batch + 1, batches, float(loss.detach()), correct / size,
                            rate, remaining / rate if rate else math.inf)
        seconds = time.perf_counter() - started
        val_loss, val_accuracy = self.validate(self.data["validation"])
        epoch_seconds = time.perf_counter() - started
        return EpochDone(phase.name, epoch + 1, phase.epochs, total_loss / seen, total_correct / seen,
                         val_loss, val_accuracy, epoch_seconds, seen / seconds,
                         epoch_seconds * (phase.epochs - epoch - 1), improved=False)

    @torch.no_grad()
    def validate(self, split: _Split) -> tuple[float, float]:
        self.model.eval()
        frozen_outputs = self._frozen_outputs_of(split)

        def batch_loss(start: int, stop: int) -> tuple[float, int]:
            labels = split.labels[start:stop].to(self.device)
            with autocast(self.device, self.t.precision):
                if frozen_outputs is None:
                    logits = self._logits(split.inputs[start:stop], training=False)
                else:
                    logits = self._logits_after_frozen(frozen_outputs[start:stop])
            loss, correct = self._loss(logits, labels)
            return float(loss) * len(labels), correct

        sums = map_in_batches(batch_loss, len(split.labels), EVAL_BATCH)
        n = max(1, len(split.labels))
        return sum(loss for loss, _ in sums) / n, sum(correct for _, correct in sums) / n

    def _frozen_outputs_of(self, split: _Split) -> torch.Tensor | None:
        """What the frozen part of a pretrained base makes of ``split``'s photos, computed once per
        phase; None where nothing is frozen, or where it would not fit the budget."""
        if self.frozen_lower is None or not len(split.labels):
            return None
        key = id(split)
        if key not in self._frozen_outputs:
            def frozen_batch(start: int, stop: int) -> torch.Tensor:
                with autocast(self.device, self.t.precision):
                    return self._frozen_part(split.inputs[start:stop])

            n, head = len(split.labels), min(len(split.labels), EVAL_BATCH)
            first = frozen_batch(0, head)  # its size tells whether all of them fit the budget
            if first[0].nbytes * n > FROZEN_OUTPUT_BUDGET:
                self._frozen_outputs[key] = None
            else:
                rest = map_in_batches(lambda a, b: frozen_batch(head + a, head + b), n - head, EVAL_BATCH)
                self._frozen_outputs[key] = torch.cat([first, *rest])
        return self._frozen_outputs[key]

    def _frozen_part(self, pixels: torch.Tensor) -> torch.Tensor:
        x = preprocessing.to_input(pixels, self.device)
        if self.frozen_top is not None:  # the whole base is frozen: its pooled features
            return self.model.features(x, lower_grad=False, top_grad=False, lower=self.frozen_lower,
                                       top=self.frozen_top)
        return self.frozen_lower(self.model.normalize(x))

    def _logits_after_frozen(self, x: torch.Tensor) -> torch.Tensor:
        if self.frozen_top is None:
            x = self.model.pool_or_flatten(self.model.top(x))
        return self.model.head(x)

    def test_accuracy(self, best_path: Path) -> float:
        """Accuracy of the best weights on the test split (the current ones if none was saved)."""
        if best_path.exists():
            from .modelfile import read_info

            _, tensors = read_info(best_path)
            self.model.load_state_dict(tensors, strict=False)
            self._fold_frozen_parts()
        return self.validate(self.data["test"])[1]


# ---- helpers -----------------------------------------------------------------------------------

class _Clock:
    def __init__(self, total: int):
        self.total = total
        self.started = time.perf_counter()

    def progress(self, phase: str, done: int) -> Progress:
        elapsed = max(1e-9, time.perf_counter() - self.started)
        rate = done / elapsed
        return Progress(phase, done, self.total, rate, (self.total - done) / rate if rate else math.inf)


def _digests(paths: list[str]) -> tuple[list[bytes | None], list[Skipped]]:
    digests, unreadable = [], []
    for path in paths:
        try:
            digests.append(content_digest(path))
        except OSError as error:
            digests.append(None)
            unreadable.append(Skipped(path, f"cannot be read ({error.strerror or error})"))
    return digests, unreadable


def _better(record: EpochDone, state: _State) -> bool:
    """Whether this epoch's model beats the best so far: higher validation accuracy, or the same
    accuracy with a lower loss (on an easy set the first epoch often reaches the top accuracy while
    its predictions are still barely better than a coin toss)."""
    if state.best_val is None or record.val_accuracy > state.best_val:
        return True
    best_loss = math.inf if state.best_val_loss is None else state.best_val_loss
    return record.val_accuracy == state.best_val and record.val_loss < best_loss


def _history_row(phase: str, epoch: int, record: EpochDone) -> dict:
    return {
        "phase": phase, "epoch": epoch, "loss": round(record.loss, 6), "accuracy": round(record.accuracy, 6),
        "val_loss": round(record.val_loss, 6), "val_accuracy": round(record.val_accuracy, 6),
        "seconds": round(record.seconds, 3),
    }


def _make_run_dir(run_dir: Path, clean: bool) -> None:
    """Create the run folder (a clear error where that is not possible); when resuming, remove the
    temporary files of saves that a killed process left unfinished."""
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        if clean:
            for leftover in run_dir.glob(".*.tmp"):
                leftover.unlink()
    except OSError as error:
        raise UserError(f"{error.filename or run_dir}: cannot write the run folder here ({error.strerror or error}); "
                        "choose another runs folder") from None


def _new_run_dir(runs_dir: Path, settings: Settings) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = runs_dir / f"{stamp}-{settings.strategy}"
    suffix = 1
    while candidate.exists():
        suffix += 1
        candidate = runs_dir / f"{stamp}-{settings.strategy}-{suffix}"
    return candidate
