"""The training loop, as a generator of small records.

``Training(settings).run()`` yields :class:`PhaseStarted`, :class:`Progress` (decoding, feature
extraction), :class:`BatchDone`, :class:`EpochDone` and finally :class:`Finished`. Progress bars,
plots, stopping and pausing all fall out of iterating it; ``stop()`` and ``pause()`` may be called
from another thread and take effect at the next batch.

A run folder holds ``settings.json``, ``metrics.csv`` (one row per epoch), ``best.safetensors`` (the
model with the best validation accuracy so far), ``last.safetensors`` and, until the run ends normally,
``checkpoint.pt`` (weights, optimiser and position, read back without unpickling code) from which a
stopped or interrupted run resumes.

Under ``torchrun`` (see :mod:`.distributed`) every process loads the same photos and builds the same
model; each epoch the shared shuffle is cut into one share per process (``order[rank::world]``,
padded to equal shares), the trained part of the model runs in DistributedDataParallel, and
losses and accuracies are summed over the processes, so that every one takes the same decisions.
Photos missing from the pixel or feature store are shared out too. ``batch_size`` is per process:
the effective batch is ``batch_size x world size``. Rank 0 alone writes the run folder.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import random
import shutil
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
from torch import nn

from . import distributed, preprocessing, runstatus
from .backbones import get_backbone, pretrained_state_dict
from .datasets import Dataset, load_dataset
from .device import (autocast, configure_runtime, describe_device, is_out_of_memory, map_in_batches,
                     pick_device, release_cached_memory, resolve_precision)
from .errors import DataError, UserError
from .lineage import (Parent, base_weights_id, check_classes, check_fits, load_parent_weights, read_parent,
                      recording_parent)
from .store import StoredRows, as_positions, content_digests, feature_store, pixel_store
from .images import Skipped, UnusableImage, load_pixels
from .modelfile import model_info, save_model, write_atomically
from .models import ImageClassifier, build_classifier, depthwise_in_float32, frozen_copy
from .paths import can_resume, default_runs_dir
from .recipes import IMBALANCE_RATIO, Settings
from .runfiles import BEST_MODEL, CHECKPOINT, LAST_MODEL, METRICS_FILE, SETTINGS_FILE
# The records the run yields live in the torch-free records.py (the window names them at import time);
# they are re-exported here.
from .records import READING, BatchDone, EpochDone, Finished, Notice, PhaseStarted, Progress, Record  # noqa: F401

EVAL_BATCH = 64
# Decoded photos go to the pixel store on disk unless it would pass this size (Settings.pixel_cache_gb
# sets it) or leave less than MIN_FREE_DISK free; the run then decodes its photos every epoch instead.
MIN_FREE_DISK = 2 << 30
STREAM_WORKERS = max(1, min(4, os.cpu_count() or 1))  # processes decoding photos when a run streams
# Photos that are not augmented (validation, test) give the same output from the frozen part of a base
# every epoch: it is computed once per phase and kept, up to this size, on the training device.
FROZEN_OUTPUT_BUDGET = 1 << 30
EXTRACT_CHUNK = 256


@dataclass
class _Split:
    """One split ready for the loop: its rows (decoded pixels, or cached features), labels, file paths.

    ``rows`` are read on demand (:class:`~.store.StoredRows`, or :class:`_DecodedEveryTime` when
    streaming), so memory does not grow with the number of photos.
    """

    rows: "StoredRows | _DecodedEveryTime"
    labels: torch.Tensor
    paths: list[str]
    pixels: bool

    def inputs(self, positions) -> torch.Tensor:
        """The model input of ``positions`` (a slice or index tensor): uint8 ``(N, 3, S, S)`` or features."""
        rows = self.rows[positions]
        return preprocessing.nchw(rows) if self.pixels else rows

    def batches(self, order: torch.Tensor, batch_size: int):
        """``(positions, inputs)`` per batch of ``order``; streamed photos are decoded ahead in workers."""
        if isinstance(self.rows, _DecodedEveryTime):
            yield from self.rows.batches(order, batch_size)
            return
        for start in range(0, len(order), batch_size):
            index = order[start:start + batch_size]
            yield index, self.inputs(index)

    def subset(self, positions: torch.Tensor) -> "_Split":
        """The photos at ``positions`` (this process's share of an evaluated split, under torchrun)."""
        return _Split(self.rows.subset(positions), self.labels[positions],
                      [self.paths[i] for i in positions.tolist()], self.pixels)


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
    """One training run. Create it with settings (a new run) or with :meth:`resume` (an old one).

    :meth:`run` goes through three stages: :meth:`_prepare` (device, photos, run folder, model, the
    photos read for the loop), :meth:`_train_phases` (epochs, best model, early stopping, checkpoints,
    run by a :class:`_Loop`) and :meth:`_finish` (last model, test accuracy).
    """

    def __init__(self, settings: Settings, runs_dir: str | Path | None = None, run_dir: str | Path | None = None):
        self.settings = recording_parent(settings)
        self.run_dir = Path(run_dir) if run_dir else _new_run_dir(Path(runs_dir or default_runs_dir()), settings)
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._resuming = run_dir is not None
        # Known once the run has started (run() picks the device and loads the photos, so that their
        # errors reach whoever iterates it); None before.
        self.device: torch.device | None = None
        self.precision: str | None = None  # "fp32", "bf16" or "fp16", as resolved for the device
        self.dataset: Dataset | None = None  # the photos, and those left out so far
        self.reading = ""  # how the run reads its photos, once known: a key of READING
        self.preparing_seconds: float | None = None

    @classmethod
    def resume(cls, run_dir: str | Path) -> "Training":
        """Continue an interrupted run from its last completed epoch."""
        run_dir = Path(run_dir)
        settings_file = run_dir / SETTINGS_FILE
        if not settings_file.is_file():
            raise UserError(f"{run_dir}: not a run folder that can be resumed (it has no settings.json)")
        settings = Settings.read(settings_file)  # a damaged file: a UserError that names it and says why
        if not can_resume(run_dir) and (run_dir / METRICS_FILE).exists():
            raise UserError(f"{run_dir}: this run has finished; there is nothing to continue")
        status = runstatus.read_status(run_dir)
        if status is not None and status.state() == runstatus.RUNNING:
            raise UserError(f"{run_dir}: another process (pid {status.pid} on {status.host}) is training this run; "
                            "wait for it to end, or stop it there, before continuing it")
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
            self._status(runstatus.heartbeat)  # a paused run is alive too
        self._status(runstatus.heartbeat)  # throttled: writes at most every few seconds
        # Under torchrun a stop asked of any process stops all of them at the same step.
        return distributed.any_rank(self._stop.is_set())

    def _status(self, change) -> None:
        """Tell whoever watches the runs folder how this run goes (see core/runstatus.py): ``change`` is
        ``runstatus.mark_running``, ``heartbeat`` or ``mark_ended``. Only the process that writes the run
        folder may call it: under torchrun, rank 0."""
        if distributed.is_main():
            change(self.run_dir)

    # the generator
    def run(self) -> Iterator[Record]:
        """The run's records; running out of memory ends it with a UserError that suggests what to change."""
        try:
            yield from self._run()
            return
        except Exception as error:
            if not is_out_of_memory(error):
                raise
        finally:  # finished, stopped, failed or closed: the run folder is no longer being written
            self._status(runstatus.mark_ended)
            distributed.finish()
        # Out of the except clause, the traceback that held the failed step's tensors is gone.
        release_cached_memory()
        raise UserError(self._out_of_memory_message())

    def _out_of_memory_message(self) -> str:
        s = self.settings
        kept = (f"; the best model so far is kept in {self.run_dir}"
                if (self.run_dir / BEST_MODEL).exists() else "")
        return (f"out of memory on {describe_device(self.device)} with batches of {s.batch_size} images of "
                f"{s.image_size} px; try a smaller batch size (for instance {max(1, s.batch_size // 2)}) or a "
                f"smaller image size{kept}")

    def _run(self) -> Iterator[Record]:
        started = time.perf_counter()
        prepared = yield from self._prepare()
        if prepared is None:  # stopped while the photos were being read
            yield self._finished(_State(), None, stopped=True, early=False)
            return
        loop, state, saved = prepared
        stopped, early = yield from self._train_phases(loop, state, saved, started)
        test_accuracy = yield from self._finish(loop, state, stopped)
        yield self._finished(state, test_accuracy, stopped, early)

    # ---- prepare: device, photos, run folder, model, data

    def _prepare(self) -> Iterator[Record]:
        """Everything before the first epoch; the loop, the state to continue from and the saved
        optimiser and shuffling states (see :meth:`_load_checkpoint`), or None when stopped meanwhile."""
        model, weights_id = self._start()
        try:
            data = yield from self._read_photos(model, weights_id)
        except _Cancelled:
            return None
        if len(data["train"].labels) == 0 or len(data["validation"].labels) == 0:
            raise UserError(f"{self.settings.data}: no usable training or validation images remain")
        state, saved = self._load_checkpoint(model) if self._resuming else (_State(), None)
        if state.history:  # a run killed between writing its metrics and its checkpoint: agree again
            self._write_metrics(state.history)
        loop = _Loop(model, data, self.settings, self.device, self.precision, should_stop=self._should_stop)
        if loop.class_weights is not None:
            yield Notice(_weights_notice(self.dataset.classes, data["train"].labels, self.settings.class_weights))
        return loop, state, saved

    def _start(self) -> tuple[ImageClassifier, str]:
        """Seed, pick the device (under torchrun: join the other processes), load the photos' list, open
        the run folder and build the model; the model and the id of its base weights."""
        s = self.settings
        configure_runtime()
        torch.manual_seed(s.seed)
        random.seed(s.seed)
        self.device = distributed.start(pick_device(s.device))
        self.precision = resolve_precision(self.device, s.precision)
        self.dataset = load_dataset(s.data, seed=s.seed, subset=s.subset)
        parent = self._parent(self.dataset.classes)  # refused before there is a run folder
        self._open_run_dir()
        model, weights_id = self._build_model(self.dataset, parent)
        if distributed.launched():  # the same weights everywhere, but each process its own dropout
            torch.manual_seed(s.seed + distributed.rank())
        return model, weights_id

    def _open_run_dir(self) -> None:
        """Create the run folder, mark it running and write the settings into it. Under torchrun rank 0
        names the run folder and alone writes it; the others only agree on its name."""
        self.run_dir = Path(distributed.broadcast_object(str(self.run_dir)))
        if distributed.is_main():
            _make_run_dir(self.run_dir, clean=self._resuming)
            self._status(runstatus.mark_running)
            write_atomically(self.run_dir / SETTINGS_FILE, lambda t: Path(t).write_text(self.settings.to_json()))

    def _read_photos(self, model: ImageClassifier, weights_id: str) -> Iterator[Record]:
        """The splits ready for the loop: base features (cached-feature recipes) or pixels."""
        s = self.settings
        if s.recipe.cached_features:
            yield PhaseStarted("extracting", f"Extracting features with {get_backbone(s.backbone).title}")
            data = yield from self._extract_all(model, weights_id, self.dataset)
        else:
            yield PhaseStarted("decoding", "Reading photos")
            data = yield from self._read_pixels(self.dataset)
        yield Notice(f"Reading {READING[self.reading]}")
        return data

    # ---- phases: epochs, the best model, early stopping, checkpoints

    def _train_phases(self, loop: "_Loop", state: _State, saved: tuple | None, started: float) -> Iterator[Record]:
        """Every phase from where ``state`` stands; whether the run was stopped, and whether a phase
        stopped early (the next phase still runs)."""
        stopped = early = False
        for index, phase in enumerate(self._phases()):
            if index < state.phase_index:
                continue
            if index > state.phase_index:
                state.phase_index, state.epoch, state.stale_epochs = index, 0, 0
            if self.preparing_seconds is None:
                self.preparing_seconds = time.perf_counter() - started
            yield PhaseStarted(phase.name, phase.title, phase.epochs)
            optimizer = loop.start_phase(phase, saved)
            saved = None  # the saved optimiser belongs to the phase the run stopped in
            stopped, early_here = yield from self._train_epochs(loop, phase, optimizer, state)
            early = early or early_here
            if stopped:
                break
        return stopped, early

    def _train_epochs(self, loop: "_Loop", phase: _Phase, optimizer, state: _State) -> Iterator[Record]:
        """The epochs of ``phase`` left; whether the run was stopped, and whether it stopped early."""
        while state.epoch < phase.epochs:
            record = yield from loop.epoch(phase, state.epoch, optimizer)
            if record is None:
                return True, False
            improved = self._end_epoch(loop, phase, optimizer, state, record)
            yield replace(record, improved=improved)
            if self.settings.early_stopping and state.stale_epochs >= self.settings.early_stopping:
                return False, True
        return False, False

    def _end_epoch(self, loop: "_Loop", phase: _Phase, optimizer, state: _State, record: EpochDone) -> bool:
        """Count the epoch in ``state``, keep the model if it is the best so far, and write the metrics
        and the checkpoint; whether it improved."""
        state.epoch += 1
        improved = _better(record, state, self.settings.monitor)
        if improved:
            state.best_val, state.best_val_loss, state.stale_epochs = record.val_accuracy, record.val_loss, 0
            self._save_model(loop.model, BEST_MODEL, self.dataset, {"val_accuracy": record.val_accuracy})
        else:
            state.stale_epochs += 1
        state.history.append(_history_row(phase.name, state.epoch, record))
        self._write_metrics(state.history)
        self._save_checkpoint(loop.model, optimizer, state, loop.generator)
        return improved

    # ---- finish: the last model, the test photos

    def _finish(self, loop: "_Loop", state: _State, stopped: bool) -> Iterator[Record]:
        """Save the last model; unless stopped, measure the test accuracy and drop the checkpoint. The
        test accuracy (None without test photos, or when stopped)."""
        self._save_model(loop.model, LAST_MODEL, self.dataset, {})
        if stopped:
            return None
        test_accuracy = yield from self._test(loop, state)
        if distributed.is_main():
            # Only an unfinished run needs it (and a fine-tuning checkpoint is as big as the model twice).
            (self.run_dir / CHECKPOINT).unlink(missing_ok=True)
        return test_accuracy

    def _test(self, loop: "_Loop", state: _State) -> Iterator[Record]:
        """The best model's accuracy on the test photos, also written into it; None without any."""
        test = loop.data.get("test")
        if test is None or not len(test.labels):
            return None
        yield PhaseStarted("testing", "Measuring accuracy on the test photos")
        best_path = self.run_dir / BEST_MODEL
        test_accuracy = loop.test_accuracy(best_path)
        if best_path.exists():
            self._save_model(loop.model, BEST_MODEL, self.dataset,
                             {"val_accuracy": state.best_val, "test_accuracy": test_accuracy})
        return test_accuracy

    def _finished(self, state: _State, test_accuracy, stopped: bool, early: bool) -> Finished:
        best_path = self.run_dir / BEST_MODEL
        return Finished(
            run_dir=str(self.run_dir),
            model_path=str(best_path) if best_path.exists() else None,
            best_val_accuracy=state.best_val,
            test_accuracy=test_accuracy,
            epochs=len(state.history),
            stopped=stopped,
            early_stopped=early,
            device=describe_device(self.device),
            seconds_per_epoch=_median([row["seconds"] for row in state.history]),
            skipped=tuple(self.dataset.skipped),
            reading=self.reading,
            preparing_seconds=self.preparing_seconds,
            train_images_per_second=_median([row.get("train_images_per_second") for row in state.history]),
            world_size=distributed.world_size(),
        )

    # ---- pieces of run()

    def _phases(self) -> list[_Phase]:
        s = self.settings
        if s.fine_tune_lr is None:
            return [_Phase("training", "Training", s.epochs, s.lr, train_top=False)]
        phases = [_Phase("training", "Training the head (base frozen)", s.head_epochs, s.lr, train_top=False)]
        phases.append(_Phase("fine-tuning", "Fine-tuning the top block", s.epochs, s.fine_tune_lr, train_top=True))
        return [p for p in phases if p.epochs > 0]

    def _parent(self, classes: list[str]) -> Parent | None:
        """The model this run starts from (None for a run from scratch or ImageNet), checked against the
        run's settings and classes (see core/lineage.py)."""
        s = self.settings
        if not s.start_from:
            return None
        parent = read_parent(s.start_from)
        check_fits(parent, s.strategy, s.backbone, s.image_size)
        check_classes(parent, classes)
        return parent

    def _build_model(self, dataset: Dataset, parent: Parent | None = None) -> tuple[ImageClassifier, str]:
        s = self.settings
        state_dict, weights_id = None, "random"
        if s.recipe.pretrained and parent is None:
            state_dict, weights_id = pretrained_state_dict(get_backbone(s.backbone), s.weights_file)
        model = build_classifier(s.backbone, len(dataset.classes), s.recipe.head, s.image_size, state_dict)
        if parent is not None:  # every weight from the parent, the base's too (it may have been fine-tuned)
            load_parent_weights(model, parent, dataset.classes)
            weights_id = base_weights_id(parent)
        return model.to(self.device, memory_format=torch.channels_last), weights_id

    def _read_pixels(self, dataset: Dataset) -> Iterator[Record]:
        """Every photo's pixels at the run's image size: from the pixel store on disk, decoding there
        what it lacks; or, when the store would pass its disk budget, decoded again every epoch."""
        size = self.settings.image_size
        store = pixel_store(size)
        yield from self._notices(store)
        digests = yield from self._digests_of(dataset)
        missing = _missing(digests, store)
        # Every process must read its photos the same way: streaming if any machine's cache would overflow.
        if distributed.any_rank(not self._fits_disk_budget(store, len(missing))):
            self.reading = "streaming"
            return (yield from self._check_streamed(dataset, digests))
        self.reading = "pixel-cache"

        def decode(paths: list[str], chunk: list[bytes], writer) -> list[Skipped | None]:
            problems = preprocessing.decode_into(paths, size, writer.slots(len(chunk)))
            writer.commit([None if problem else digest for digest, problem in zip(chunk, problems)])
            return problems

        store = yield from self._fill_store(store, dataset, digests, missing, "reading photos", decode,
                                            reopen=lambda: pixel_store(size))
        return self._splits_from(store, dataset, digests, pixels=True)

    def _fill_store(self, store, dataset: Dataset, digests, missing: list[bytes], phase: str, compute, reopen):
        """Compute the rows ``store`` lacks, a chunk at a time: ``compute(paths, digests, writer)`` writes
        a chunk's rows and returns, per photo, None or why it is unusable (it is then dropped, with every
        copy of it). Under torchrun the processes share the work; the store seen by all is returned."""
        paths = _paths_by_digest(digests)
        clock = _Clock(len(missing))
        chunks = self._my_chunks(missing)
        found_here: list[Skipped] = []
        with store.writer(sum(map(len, chunks))) as writer:
            for step, chunk in enumerate(chunks):
                if self._should_stop():
                    raise _Cancelled
                if chunk:  # under torchrun, a process with less to do goes round with empty chunks
                    problems = compute([paths[d][0] for d in chunk], chunk, writer)
                    found = _with_copies(problems, chunk, paths)
                    dataset.drop(found)
                    found_here += found
                yield clock.progress(phase, _done_after(step, len(missing)))
        return self._store_of_all_ranks(store, dataset, found_here, reopen)

    def _fits_disk_budget(self, store, new_rows: int) -> bool:
        needed = new_rows * store.row_bytes
        budget = self.settings.pixel_cache_gb * (1 << 30)
        store.folder.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(store.folder).free
        return store.disk_bytes() + needed <= budget and free - needed >= MIN_FREE_DISK

    def _check_streamed(self, dataset: Dataset, digests: dict[str, dict[str, bytes]]) -> Iterator[Record]:
        """Decode every photo once to find the unusable ones before the epochs (which then stream)."""
        size = self.settings.image_size
        paths = [path for split in digests.values() for path in split]
        clock = _Clock(len(paths))
        for done, problems in _DecodedEveryTime(paths, size).check():
            if self._should_stop():
                raise _Cancelled
            dataset.drop(problems)
            yield clock.progress("checking photos", done)
        data = {}
        for split, samples in dataset.splits.items():
            paths = [sample.path for sample in samples]
            labels = torch.tensor([sample.label for sample in samples], dtype=torch.long)
            data[split] = _Split(_DecodedEveryTime(paths, size), labels, paths, pixels=True)
        return data

    def _digests_of(self, dataset: Dataset) -> Iterator[Record]:
        """Each usable photo's content digest, per split ``{path: digest}``; unreadable files dropped."""
        yield Progress("hashing photos", 0, sum(map(len, dataset.splits.values())), 0.0, math.inf)
        digests = {}
        for split, samples in dataset.splits.items():
            paths = [sample.path for sample in samples]
            found, unreadable = content_digests(paths)
            dataset.drop(unreadable)
            digests[split] = {path: digest for path, digest in zip(paths, found) if digest is not None}
        return digests

    def _splits_from(self, store, dataset: Dataset, digests, pixels: bool) -> dict[str, _Split]:
        """The splits as lazy views of ``store``'s rows (photos found unusable are left out)."""
        data = {}
        for split, samples in dataset.splits.items():
            usable = [sample for sample in samples if digests[split].get(sample.path) in store]
            data[split] = _Split(
                store.rows([digests[split][sample.path] for sample in usable]),
                torch.tensor([sample.label for sample in usable], dtype=torch.long),
                [sample.path for sample in usable],
                pixels=pixels,
            )
        return data

    def _notices(self, store) -> Iterator[Record]:
        for text in store.notices:
            yield Notice(text)
        store.notices.clear()

    def _extract_all(self, model: ImageClassifier, weights_id: str, dataset: Dataset) -> Iterator[Record]:
        """Base features for every photo, from the feature store where it has them, computing the rest."""
        s = self.settings
        store = feature_store(s.backbone, weights_id, s.image_size, model.feature_size)
        yield from self._notices(store)
        self.reading = "features"
        digests = yield from self._digests_of(dataset)
        frozen = frozen_copy(model)

        def extract(paths: list[str], chunk: list[bytes], writer) -> list[Skipped | None]:
            rows = np.empty((len(chunk), s.image_size, s.image_size, 3), dtype=np.uint8)
            problems = preprocessing.decode_into(paths, s.image_size, rows)
            kept = [i for i, problem in enumerate(problems) if problem is None]
            writer.slots(len(kept))[:] = self._features(frozen, preprocessing.nchw(rows[kept])).numpy()
            writer.commit([chunk[i] for i in kept])
            return problems

        store = yield from self._fill_store(
            store, dataset, digests, _missing(digests, store), "extracting features", extract,
            reopen=lambda: feature_store(s.backbone, weights_id, s.image_size, model.feature_size))
        return self._splits_from(store, dataset, digests, pixels=False)

    # ---- work shared out under torchrun

    def _my_chunks(self, missing: list[bytes]) -> list[list[bytes]]:
        """This process's chunks of the photos its store lacks. Under torchrun the processes of each
        machine share out what that machine's cache lacks (two machines may have caches of their own),
        and every process goes round its loop as many times as the busiest one (which also makes every
        process list what its cache lacks before any of them writes to it)."""
        chunks = distributed.share_in_chunks(missing, EXTRACT_CHUNK, distributed.local_rank(),
                                             distributed.local_world_size())
        return distributed.pad_steps(chunks)

    def _store_of_all_ranks(self, store, dataset: Dataset, found_here: list[Skipped], reopen):
        """Under torchrun, once every process has written its shards: drop the photos the others found
        unusable too (every process must keep the same photos), and open the store again (``reopen()``)
        to see every shard; ``store`` itself without torchrun."""
        if not distributed.launched():
            return store
        # Gathering waits for every process, so every shard is in place when it returns.
        known = {item.path for item in found_here}
        elsewhere = []
        for item in distributed.gather_lists(found_here):
            if item.path not in known:
                known.add(item.path)
                elsewhere.append(item)
        dataset.drop(elsewhere)
        return reopen()

    @torch.inference_mode()
    def _features(self, model: ImageClassifier, pixels: torch.Tensor) -> torch.Tensor:
        def batch_features(start: int, stop: int) -> torch.Tensor:
            batch = preprocessing.to_input(pixels[start:stop], self.device)
            with autocast(self.device, self.precision):
                return model.features(batch).float().cpu()

        out = map_in_batches(batch_features, len(pixels), EVAL_BATCH)
        return torch.cat(out) if out else torch.zeros(0, model.feature_size)

    # Under torchrun only rank 0 writes the run folder (the others hold the same model and numbers).

    def _save_model(self, model: ImageClassifier, name: str, dataset: Dataset, metrics: dict) -> None:
        if not distributed.is_main():
            return
        s = self.settings
        info = model_info(model, dataset.classes, s.image_size, s.backbone, s.recipe.head, s.strategy,
                          {k: v for k, v in metrics.items() if v is not None})
        save_model(self.run_dir / name, model, info)

    def _write_metrics(self, history: list[dict]) -> None:
        if not distributed.is_main():
            return
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(history[0]))
        writer.writeheader()
        writer.writerows(history)
        write_atomically(self.run_dir / METRICS_FILE, lambda t: Path(t).write_text(buffer.getvalue()))

    def _save_checkpoint(self, model, optimizer, state: _State, generator: torch.Generator) -> None:
        if not distributed.is_main():
            return
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


class _DecodedEveryTime:
    """A split's photos decoded whenever they are needed: the way a run reads them when the pixel
    store would pass its disk budget. Training batches are decoded ahead in DataLoader worker
    processes; validation slices in threads. Unusable files were dropped by :meth:`check` first."""

    def __init__(self, paths: list[str], size: int):
        self.paths = paths
        self.size = size

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, positions) -> torch.Tensor:
        chosen = [self.paths[i] for i in as_positions(positions, len(self))]
        rows = np.empty((len(chosen), self.size, self.size, 3), dtype=np.uint8)
        _raise_if_unusable(preprocessing.decode_into(chosen, self.size, rows))
        return torch.from_numpy(rows)

    def subset(self, positions: torch.Tensor) -> "_DecodedEveryTime":
        return _DecodedEveryTime([self.paths[i] for i in positions.tolist()], self.size)

    def batches(self, order: torch.Tensor, batch_size: int):
        batches = [order[start:start + batch_size].tolist() for start in range(0, len(order), batch_size)]
        for positions, rows, problems in self._loader(batches, check_only=False):
            _raise_if_unusable(problems)
            yield positions, preprocessing.nchw(rows)

    def check(self):
        """``(photos done, files found unusable)`` as the photos are decoded once, in chunks."""
        chunks = [list(range(start, min(len(self.paths), start + EXTRACT_CHUNK)))
                  for start in range(0, len(self.paths), EXTRACT_CHUNK)]
        done = 0
        for positions, _, problems in self._loader(chunks, check_only=True):
            done += len(positions) + len(problems)
            yield done, problems

    def _loader(self, batches: list[list[int]], check_only: bool):
        from torch.utils.data import DataLoader

        return DataLoader(_PhotoFiles(self.paths, self.size, check_only), batch_sampler=batches,
                          num_workers=STREAM_WORKERS, collate_fn=_collate_photos, prefetch_factor=4)


class _PhotoFiles:
    """Photos by position, decoded in a DataLoader worker: ``(position, pixels or None, Skipped or None)``."""

    def __init__(self, paths: list[str], size: int, check_only: bool):
        self.paths, self.size, self.check_only = paths, size, check_only

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, position: int):
        try:
            pixels = load_pixels(self.paths[position], self.size)
        except UnusableImage as reason:
            return position, None, Skipped(self.paths[position], str(reason))
        return position, None if self.check_only else torch.from_numpy(pixels), None


def _collate_photos(items):
    """A batch of :class:`_PhotoFiles` items: positions and pixels of the usable ones, the problems."""
    usable = [(position, pixels) for position, pixels, problem in items if problem is None]
    positions = torch.tensor([position for position, _ in usable], dtype=torch.long)
    rows = torch.stack([pixels for _, pixels in usable]) if usable and usable[0][1] is not None else None
    return positions, rows, [problem for _, _, problem in items if problem is not None]


def _raise_if_unusable(problems) -> None:
    """A photo that was usable when the run began and is not now: it changed or vanished mid-run."""
    for problem in problems:
        if problem is not None:
            raise DataError(f"{problem.path}: {problem.reason} (it could be read when the run began; "
                            "was it changed or removed during the run?)")


class _TopAndHead(nn.Module):
    """What fine-tuning trains of a pretrained classifier: the base's top block, pooling, the head."""

    def __init__(self, model: ImageClassifier):
        super().__init__()
        self.top, self.head = model.top, model.head
        self.pool_or_flatten = model.pool_or_flatten

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool_or_flatten(self.top(x)))


class _Loop:
    """Epochs over prepared data: cached features (head only) or pixels (through the whole model).

    Under torchrun every process runs this loop on its share of the photos: the part of the model
    that a phase trains runs in DistributedDataParallel for the training steps (which averages the
    gradients), and the numbers of each epoch are summed over the processes, so that every process
    takes the same decisions.

    Parameters
    ----------
    model, data
        The model, on ``device``, and the splits read for it (base features or pixels).
    settings
        The run's settings.
    device, precision
        Where the loop runs, and the precision resolved for it.
    should_stop
        Asked before every training step; True ends the epoch without a record. It may wait while
        the run is paused.
    """

    def __init__(self, model: ImageClassifier, data: dict[str, _Split], settings: Settings, device: torch.device,
                 precision: str, should_stop):
        self.s = settings
        self.model = model
        self.data = data
        self.on_features = settings.recipe.cached_features  # the head alone, on features from the store
        self.device = device
        self.precision = precision
        self._should_stop = should_stop
        self.generator = torch.Generator().manual_seed(self.s.seed)
        self.binary = model.head[-1].out_features == 1
        self.class_weights = class_weights(data["train"].labels, model.head[-1].out_features,
                                           self.s.class_weights)
        if self.class_weights is not None:
            self.class_weights = self.class_weights.to(self.device)
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=precision == "fp16")
        self.phase: _Phase | None = None
        self.frozen_lower = self.frozen_top = None
        self._frozen_outputs: dict[int, torch.Tensor | None] = {}  # per split, see FROZEN_OUTPUT_BUDGET
        self.trained: nn.Module = model  # the part the phase trains, after the frozen part (see start_phase)
        self.synced: nn.Module = model  # the same in DistributedDataParallel, for training steps under torchrun
        self.augmenting = self.generator  # draws the augmentations (see _augmentation_generator)
        # Under torchrun each process measures its own share of the validation and test photos.
        self.evaluated = {name: split.subset(distributed.eval_positions(len(split.labels)))
                          if distributed.launched() else split
                          for name, split in data.items() if name != "train"}

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
            if self.device.type == "cpu" and self.precision == "bf16":
                depthwise_in_float32(model.top)
        self.trained = self._trained_part(phase)
        self.synced = self.trained  # let go of the last phase's wrapper (and its gradient hooks) first
        self.synced = distributed.synchronized(self.trained, self.device)
        params = [p for p in model.parameters() if p.requires_grad]
        if self.s.optimizer == "adamw":
            optimizer = torch.optim.AdamW(params, lr=phase.lr, weight_decay=self.s.weight_decay)
        else:  # Keras's RMSprop, which the lecture's learning rates were tuned for: rho 0.9, epsilon 1e-7
            optimizer = torch.optim.RMSprop(params, lr=phase.lr, alpha=0.9, eps=1e-7,
                                            weight_decay=self.s.weight_decay)
        if saved is not None:
            optimizer.load_state_dict(saved[0])
            self.generator.set_state(saved[1])
        return optimizer

    def _trained_part(self, phase: _Phase) -> nn.Module:
        """The part of the model that ``phase`` trains, which a training step runs after the frozen part:
        the whole model from scratch; the head on cached features or a frozen base; the top block and
        the head when fine-tuning."""
        if not self.s.recipe.pretrained:
            return self.model
        return _TopAndHead(self.model) if phase.train_top else self.model.head

    def _train_mode(self) -> None:
        if self.s.recipe.pretrained:
            self.model.eval()  # frozen batch-norm statistics, as Keras does for a frozen base
            self.model.head.train()
        else:
            self.model.train()

    def _logits(self, inputs: torch.Tensor, training: bool) -> torch.Tensor:
        trained = self.synced if training else self.trained  # gradients are averaged in training steps only
        if self.on_features:
            return trained(inputs.to(self.device, non_blocking=True))
        x = preprocessing.to_input(inputs, self.device)
        if training and self.s.augmentation.active:
            x = preprocessing.augment(x, self.s.augmentation, self.augmenting)
        if self.frozen_lower is not None:  # a pretrained base: its frozen part first
            x = self._through_frozen(x)
        return trained(x)

    def _loss(self, logits: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, int]:
        """The batch's loss (with the run's label smoothing and class weights) and its correct answers."""
        logits = logits.float()
        smoothing = self.s.label_smoothing
        if self.binary:
            logits = logits.squeeze(1)
            targets = labels.float() * (1 - smoothing) + 0.5 * smoothing
            per_photo = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction="none")
            correct = ((logits > 0).long() == labels).sum()
        else:
            per_photo = nn.functional.cross_entropy(logits, labels, reduction="none", label_smoothing=smoothing)
            correct = (logits.argmax(1) == labels).sum()
        if self.class_weights is None:
            return per_photo.mean(), int(correct)
        weights = self.class_weights[labels]  # a weighted mean, as torch's cross_entropy(weight=...) takes
        return (per_photo * weights).sum() / weights.sum(), int(correct)

    def epoch(self, phase: _Phase, epoch: int, optimizer) -> Iterator[Record]:
        """Train one epoch and validate; the EpochDone record, or None when stopped."""
        train = self.data["train"]
        batch_size = self.s.batch_size
        order = self._epoch_order(len(train.labels))
        self.augmenting = self._augmentation_generator(phase, epoch)
        n = len(order)
        batches = math.ceil(n / batch_size)
        self._train_mode()
        started = time.perf_counter()
        total_loss = total_correct = seen = 0
        for batch, (index, inputs) in enumerate(train.batches(order, batch_size)):
            if self._should_stop():
                return None
            self._schedule(optimizer, phase, epoch + batch / batches)
            loss, correct = self._train_step(optimizer, inputs, train.labels[index])
            size = len(index)
            total_loss += loss * size
            total_correct += correct
            seen += size
            elapsed = time.perf_counter() - started
            rate = seen / elapsed if elapsed > 0 else 0.0
            remaining = (n - seen) + n * (phase.epochs - epoch - 1)
            yield BatchDone(phase.name, epoch + 1, phase.epochs, batch + 1, batches, loss, correct / size,
                            rate, remaining / rate if rate else math.inf)
        seconds = time.perf_counter() - started
        total_loss, total_correct, seen = distributed.sum_over_ranks(total_loss, total_correct, seen)
        val_loss, val_accuracy = self.validate(self.evaluated["validation"])
        epoch_seconds = time.perf_counter() - started
        return EpochDone(phase.name, epoch + 1, phase.epochs, total_loss / seen, total_correct / seen,
                         val_loss, val_accuracy, epoch_seconds, seen / seconds,
                         epoch_seconds * (phase.epochs - epoch - 1), improved=False)

    def _epoch_order(self, photos: int) -> torch.Tensor:
        """This process's training photos for the next epoch, shuffled (the same shuffle in every process)."""
        order = torch.randperm(photos, generator=self.generator)
        if self.s.steps_per_epoch:  # the lecture's steps_per_epoch: a bounded epoch on a big set
            order = order[:self.s.steps_per_epoch * self.s.batch_size * distributed.world_size()]
        return distributed.shard_order(order)  # all of them without torchrun

    def _train_step(self, optimizer, inputs: torch.Tensor, labels: torch.Tensor) -> tuple[float, int]:
        """One optimiser step on a batch; its loss and its correct answers."""
        labels = labels.to(self.device, non_blocking=True)
        with autocast(self.device, self.precision):
            logits = self._logits(inputs, training=True)
        loss, correct = self._loss(logits, labels)
        optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.step(optimizer)
        self.scaler.update()
        return float(loss.detach()), correct

    def _schedule(self, optimizer, phase: _Phase, epochs_done: float) -> None:
        for group in optimizer.param_groups:
            group["lr"] = scheduled_lr(phase.lr, self.s.schedule, epochs_done / phase.epochs)

    def _augmentation_generator(self, phase: _Phase, epoch: int) -> torch.Generator:
        """What draws this epoch's augmentations: the shuffling generator in a single process; under
        torchrun one per process (they augment different photos), seeded from the run's seed, the epoch
        and the rank, so that a resumed run repeats them and the shared shuffling is left alone."""
        if not distributed.launched():
            return self.generator
        key = f"{self.s.seed}/{phase.name}/{epoch}/{distributed.rank()}".encode()
        return torch.Generator().manual_seed(int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little"))

    @torch.no_grad()
    def validate(self, split: _Split) -> tuple[float, float]:
        """Loss and accuracy on ``split``; under torchrun on this process's share of it, summed over every
        process, so that all get the same numbers."""
        self.model.eval()
        frozen_outputs = self._frozen_outputs_of(split)

        def batch_loss(start: int, stop: int) -> tuple[float, int]:
            labels = split.labels[start:stop].to(self.device)
            with autocast(self.device, self.precision):
                if frozen_outputs is None:
                    logits = self._logits(split.inputs(slice(start, stop)), training=False)
                else:
                    logits = self.trained(frozen_outputs[start:stop])
            loss, correct = self._loss(logits, labels)
            return float(loss) * len(labels), correct

        sums = map_in_batches(batch_loss, len(split.labels), EVAL_BATCH)
        loss, correct, n = distributed.sum_over_ranks(sum(loss for loss, _ in sums),
                                                      sum(correct for _, correct in sums), len(split.labels))
        return loss / max(1, n), correct / max(1, n)

    def _frozen_outputs_of(self, split: _Split) -> torch.Tensor | None:
        """What the frozen part of a pretrained base makes of ``split``'s photos, computed once per
        phase; None where nothing is frozen, or where it would not fit the budget."""
        if self.frozen_lower is None or not len(split.labels):
            return None
        key = id(split)
        if key not in self._frozen_outputs:
            def frozen_batch(start: int, stop: int) -> torch.Tensor:
                with autocast(self.device, self.precision):
                    return self._frozen_part(split.inputs(slice(start, stop)))

            n, head = len(split.labels), min(len(split.labels), EVAL_BATCH)
            first = frozen_batch(0, head)  # its size tells whether all of them fit the budget
            if first[0].nbytes * n > FROZEN_OUTPUT_BUDGET:
                self._frozen_outputs[key] = None
            else:
                rest = map_in_batches(lambda a, b: frozen_batch(head + a, head + b), n - head, EVAL_BATCH)
                self._frozen_outputs[key] = torch.cat([first, *rest])
        return self._frozen_outputs[key]

    def _frozen_part(self, pixels: torch.Tensor) -> torch.Tensor:
        return self._through_frozen(preprocessing.to_input(pixels, self.device))

    def _through_frozen(self, x: torch.Tensor) -> torch.Tensor:
        """The frozen part of a pretrained base on model input ``x``, without a graph: its pooled features
        when all of it is frozen, else the output map of its lower part (the top block trains)."""
        with torch.no_grad():
            if self.frozen_top is not None:
                return self.model.features(x, lower=self.frozen_lower, top=self.frozen_top)
            return self.frozen_lower(self.model.normalize(x))

    def test_accuracy(self, best_path: Path) -> float:
        """Accuracy of the best weights on the test split (the current ones if none was saved). Under
        torchrun rank 0 reads them and sends them to the others (the run folder may be its own)."""
        if distributed.broadcast_object(best_path.exists()):
            if distributed.is_main():
                from .modelfile import read_info

                _, tensors = read_info(best_path)
                self.model.load_state_dict(tensors, strict=False)
            distributed.broadcast_weights(self.model)
            self._fold_frozen_parts()
        return self.validate(self.evaluated["test"])[1]


# ---- helpers -----------------------------------------------------------------------------------

class _Clock:
    def __init__(self, total: int):
        self.total = total
        self.started = time.perf_counter()

    def progress(self, phase: str, done: int) -> Progress:
        elapsed = max(1e-9, time.perf_counter() - self.started)
        rate = done / elapsed
        return Progress(phase, done, self.total, rate, (self.total - done) / rate if rate else math.inf)


def _paths_by_digest(digests: dict[str, dict[str, bytes]]) -> dict[bytes, list[str]]:
    """Every path of each content (a photo may be in the folder twice, under two names)."""
    paths: dict[bytes, list[str]] = {}
    for split in digests.values():
        for path, digest in split.items():
            paths.setdefault(digest, []).append(path)
    return paths


def _with_copies(problems: list[Skipped | None], chunk: list[bytes], paths: dict[bytes, list[str]]) -> list[Skipped]:
    """The files found unusable, each with every other file of the same content."""
    return [Skipped(path, problem.reason) for problem, digest in zip(problems, chunk) if problem is not None
            for path in paths[digest]]


def _done_after(step: int, total: int) -> int:
    """About how many of ``total`` photos the processes of this machine have done after ``step`` rounds."""
    return min(total, (step + 1) * EXTRACT_CHUNK * distributed.local_world_size())


def _missing(digests: dict[str, dict[str, bytes]], store) -> list[bytes]:
    """The distinct digests of all splits that ``store`` lacks, in a stable order."""
    wanted = dict.fromkeys(d for split in digests.values() for d in split.values())
    return [digest for digest in wanted if digest not in store]


def _better(record: EpochDone, state: _State, monitor: str = "accuracy") -> bool:
    """Whether this epoch's model beats the best so far. ``monitor="loss"``: a lower validation loss.
    ``"accuracy"``: a higher validation accuracy, or the same accuracy with a lower loss (on an easy set
    the first epoch often reaches the top accuracy while its predictions are still barely better than a
    coin toss)."""
    best_loss = math.inf if state.best_val_loss is None else state.best_val_loss
    if state.best_val is None:
        return True
    if monitor == "loss":
        return record.val_loss < best_loss
    return record.val_accuracy > state.best_val or (record.val_accuracy == state.best_val
                                                      and record.val_loss < best_loss)


def scheduled_lr(lr: float, schedule: str, done: float) -> float:
    """The learning rate when ``done`` (0 to 1) of a phase is behind: ``lr`` throughout ("constant"), or
    falling from ``lr`` to 0 along a half cosine ("cosine"). It depends on the position alone, so a
    resumed run continues the same curve."""
    return lr * 0.5 * (1 + math.cos(math.pi * done)) if schedule == "cosine" else lr


def class_weights(labels: torch.Tensor, classes: int, mode: str) -> torch.Tensor | None:
    """Per-class loss weights against imbalance, or None for none: ``n / (classes x n_c)`` (each class
    then weighs as much in the loss as if the classes were equal). ``mode`` "on", "off", or "auto":
    on when the largest class has more than IMBALANCE_RATIO times the training photos of the smallest."""
    counts = torch.bincount(labels, minlength=classes).float()
    if mode == "off" or not len(labels):
        return None
    smallest = counts[counts > 0].min()
    if mode == "auto" and counts.max() <= IMBALANCE_RATIO * smallest:
        return None
    # A class without training photos gets no weight: it never appears in the loss anyway.
    return torch.where(counts > 0, len(labels) / (classes * counts.clamp(min=1)), torch.zeros_like(counts))


def _weights_notice(classes: list[str], labels: torch.Tensor, mode: str) -> str:
    counts = torch.bincount(labels, minlength=len(classes)).tolist()
    smallest, largest = min(c for c in counts if c), max(counts)
    if smallest == largest:
        return "Class weights are on, but every class has as many training photos: they change nothing"
    why = (f"the largest class has {largest / smallest:.1f} times the photos of the smallest"
           if mode == "auto" else "as chosen")
    return (f"Classes weighted against imbalance ({why}): each photo of {classes[counts.index(smallest)]} counts "
            f"{largest / smallest:.1f} times one of {classes[counts.index(largest)]} in the loss")


def _history_row(phase: str, epoch: int, record: EpochDone) -> dict:
    return {
        "phase": phase, "epoch": epoch, "loss": round(record.loss, 6), "accuracy": round(record.accuracy, 6),
        "val_loss": round(record.val_loss, 6), "val_accuracy": round(record.val_accuracy, 6),
        "seconds": round(record.seconds, 3), "train_images_per_second": round(record.images_per_second, 2),
    }


def _median(values: list) -> float | None:
    values = sorted(v for v in values if v is not None)
    return values[len(values) // 2] if values else None


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
