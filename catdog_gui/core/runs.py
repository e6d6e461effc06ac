"""The runs under a runs folder, read from their files alone (no model is loaded, no torch).

A run folder holds the files named in :mod:`.runfiles` (``settings.json``, ``metrics.csv``,
``best.safetensors``, ``checkpoint.pt`` while unfinished) and, while a process writes it, the
``running.json`` of :mod:`.runstatus`. :func:`read_run` reads one folder into a :class:`RunInfo`;
:class:`RunsScanner` reads a whole runs folder, each run again only when one of its files changed,
so that the window can watch the folder every few seconds.
"""

from __future__ import annotations

import json
import os
import re
import struct
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import numpy as np

from . import runstatus
from .errors import UserError
from .paths import can_resume
from .runfiles import (BEST_MODEL, CHECKPOINT, METRICS_FILE, SETTINGS_FILE, metrics_rows, model_metrics, read_text,
                       settings_values)
from .runstatus import RunStatus

MAX_HEADER = 100 * 1024 * 1024  # a safetensors header larger than this is not one this app wrote
# A run's files whose change means the run must be read again (each watched with one stat call).
WATCHED_FILES = (SETTINGS_FILE, METRICS_FILE, BEST_MODEL, CHECKPOINT, runstatus.STATUS_FILE)
# What is wrong with a best model that cannot be read (%1: its file name, %2: the error), in English: the
# window shows them in its language.
NOT_A_MODEL = "%1: not a model file, or damaged or cut short"
INVALID_METADATA = "%1: invalid metadata (%2)"
_PLACE = re.compile(r"%([1-9])")


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
    parent_model: str = ""  # the model file it started from ("Train more"); empty for a run from scratch
    parent_run: str = ""  # the folder name of the run that wrote that model; empty if none did
    problems: list[str] = field(default_factory=list)  # what is wrong with its files, one text per file

    @property
    def damaged(self) -> str:
        """What is wrong with its files (``"metrics.csv line 3: ..."``); empty if nothing is."""
        return "; ".join(self.problems)

    @property
    def started_from(self) -> str:
        """The run (or, outside a run folder, the model file) this run started from; empty if none."""
        return self.parent_run or (Path(self.parent_model).name if self.parent_model else "")

    @property
    def epochs(self) -> int:
        return len(self.history)

    @property
    def seconds(self) -> float:
        return sum(float(row.get("seconds") or 0) for row in self.history)

    def series(self, key: str) -> np.ndarray:
        """The column ``key`` of its metrics (the rows that have a value)."""
        return np.array([float(row[key]) for row in self.history if row.get(key) not in (None, "")])

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
    """Whether ``status`` says that another process trains the run now."""
    return status is not None and not status.in_this_process and status.state() == runstatus.RUNNING


def read_safetensors_metadata(path: Path) -> dict[str, str]:
    """The metadata of a safetensors file, read from its header alone (no tensors, no torch); ValueError
    (or OSError, struct.error) if the file is not one."""
    with open(path, "rb") as handle:
        size = struct.unpack("<Q", handle.read(8))[0]
        if size > MAX_HEADER:
            raise ValueError("header too large")
        header = json.loads(handle.read(size))
    metadata = (header.get("__metadata__") or {}) if isinstance(header, dict) else None
    if not (isinstance(metadata, dict) and all(isinstance(value, str) for value in metadata.values())):
        raise ValueError("not a safetensors header")
    return metadata


def read_run(path: Path, kind: type[RunInfo] = RunInfo) -> RunInfo | None:
    """A run folder's settings, metrics and best model; None if ``path`` is not a run folder.

    Parameters
    ----------
    path : Path
        The run folder.
    kind : type
        The class of the result: :class:`RunInfo` or a subclass (the window's adds what needs Qt).

    Returns
    -------
    RunInfo or None
        What its files say; a damaged file is named in ``problems``, and what the others hold is still read.
    """
    settings_file = path / SETTINGS_FILE
    if not settings_file.is_file():
        return None
    try:
        started = datetime.strptime(path.name[:15], "%Y%m%d-%H%M%S")
    except ValueError:
        started = datetime.fromtimestamp(settings_file.stat().st_mtime)
    run = kind(path, started, unfinished=can_resume(path), status=runstatus.read_status(path))
    problems = (_read_settings(run, settings_file), _read_metrics(run, path / METRICS_FILE),
                _read_best_metrics(run, path / BEST_MODEL))
    run.problems = [problem for problem in problems if problem]
    if run.best_val is None and run.history:
        run.best_val = max(float(row["val_accuracy"]) for row in run.history)
    return run


def fill(template: str, *values) -> str:
    """``template`` with its %1, %2... replaced by ``values``, in one pass (as the window's ``i18n.fill``)."""
    return _PLACE.sub(lambda found: str(values[int(found.group(1)) - 1]), template)


def _read_settings(run: RunInfo, settings_file: Path) -> str:
    """Fill in what ``run``'s settings.json says; what is wrong with it, or "" if nothing is."""
    try:
        settings = settings_values(read_text(settings_file, SETTINGS_FILE), SETTINGS_FILE)
    except UserError as problem:
        return str(problem)
    run.strategy = settings.get("strategy", "?")
    run.backbone = settings.get("backbone", "")
    run.data = settings.get("data", "")
    run.image_size = settings.get("image_size")
    run.parent_model = str(settings.get("start_from") or "")
    run.parent_run = str(settings.get("start_from_run") or "")
    return ""


def _read_metrics(run: RunInfo, metrics: Path) -> str:
    """Fill in ``run``'s epochs from its metrics.csv (none yet: no file); what is wrong with it, or ""."""
    if not metrics.is_file():
        return ""
    try:
        run.history = metrics_rows(read_text(metrics, METRICS_FILE), METRICS_FILE)
    except UserError as problem:
        return str(problem)
    return ""


def _read_best_metrics(run: RunInfo, best: Path) -> str:
    """Fill in ``run``'s best model and the accuracies its metadata holds; what is wrong with it, or ""."""
    if not best.is_file():
        return ""
    run.model_path = str(best)
    try:
        metadata = read_safetensors_metadata(best)
    except (OSError, ValueError, RecursionError, struct.error):
        return fill(NOT_A_MODEL, best.name)
    try:
        values = model_metrics(metadata.get("metrics", "{}"))
    except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
        return fill(INVALID_METADATA, best.name, error)
    run.best_val = values.get("val_accuracy")
    run.test_accuracy = values.get("test_accuracy")
    return ""


def scan_runs(runs_dir: Path) -> list[RunInfo]:
    """Every run under ``runs_dir``, newest first."""
    return RunsScanner().scan(runs_dir)


def latest_run_model(runs_dir: Path) -> str | None:
    """The best model of the newest run under ``runs_dir`` that has one; None if no run has."""
    return next((run.model_path for run in scan_runs(runs_dir) if run.model_path), None)


class RunsScanner:
    """The runs under a folder, each run folder read again only when one of its files changed (a few
    stat calls per run otherwise), so that the folder can be watched every few seconds. Thread-safe:
    the window calls it from worker threads.

    Parameters
    ----------
    read : callable, optional
        Reads one run folder (``Path -> RunInfo | None``); :func:`read_run` by default.
    """

    def __init__(self, read: Callable[[Path], RunInfo | None] = read_run):
        self._read = read
        self._lock = threading.Lock()
        self._known: dict[Path, tuple[tuple, RunInfo | None]] = {}

    def scan(self, runs_dir: Path) -> list[RunInfo]:
        """Every run under ``runs_dir``, newest first."""
        with self._lock:
            known = {}
            for folder in _subfolders(runs_dir):
                signature = _signature(folder)
                cached = self._known.get(folder)
                known[folder] = (signature, cached[1] if cached and cached[0] == signature else self._read(folder))
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
