"""Running a generator from the core in a thread, as Qt signals.

Modelled on superqt's and napari's generator workers: the function runs in its own
:class:`~PySide6.QtCore.QThread`; every value it yields arrives in the main thread as ``yielded``,
its return value as ``returned``, an exception as ``errored``, a cancellation as ``aborted``, and
``finished`` always comes last. ``quit()`` and ``toggle_pause()`` go the other way. The worker never
touches a widget: signals are queued to the receivers' (main) thread by Qt.

A *controller* (such as :class:`catdog_gui.core.training.Training`) may be given: then ``quit()``
calls its ``stop()`` and the generator winds down on its own (its last records, such as the final
``Finished``, are still delivered), and pausing calls its ``pause()`` and ``unpause()``.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from typing import Any, Callable, Iterator

from PySide6.QtCore import QThread, Signal

# Long computations (training, evaluation) run at this nice value: when the window's thread wakes up it
# gets a core at once instead of waiting for theirs to be preempted (under load, the longest stalls of
# the window fell from about 250 to 90 ms). On an otherwise idle machine it costs them nothing.
BACKGROUND_NICE = 5

# Workers stay referenced here until their thread has ended: a QThread deleted while it runs
# takes the whole application down, and callers may drop a superseded worker at any time.
_ALIVE: set["GeneratorWorker"] = set()


class Cancelled(Exception):
    """Raised inside a task that was asked to stop (see :class:`CancelToken`); the worker then reports
    ``aborted``, not ``errored``."""


class CancelToken:
    """A controller for plain functions: pass it to the function, which calls :meth:`check` now and then
    (for instance from a progress callback), and as the worker's ``controller``."""

    def __init__(self):
        self._event = threading.Event()

    def stop(self) -> None:
        self._event.set()

    def pause(self) -> None:
        pass

    def unpause(self) -> None:
        pass

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self, *_) -> None:
        """Raise :class:`Cancelled` if the task was asked to stop (accepts and ignores progress arguments)."""
        if self._event.is_set():
            raise Cancelled


class GeneratorWorker(QThread):
    """Run ``function(*args, **kwargs)`` (a generator function, or a plain one) in a thread.

    Signals
    -------
    yielded(object)
        Each value the generator yields (unless ``coalesce_ms`` is set).
    yielded_many(list)
        With ``coalesce_ms``: the values yielded since the last emission, at most every ``coalesce_ms``
        milliseconds, and at once when a value for which ``urgent(value)`` is true arrives. A generator
        that yields thousands of small records a second then costs the main thread a few calls.
    returned(object)
        The function's return value, when it ends normally.
    errored(object)
        The exception that ended it; ``exc.details`` holds the formatted traceback.
    aborted()
        It ended because ``quit()`` was called.
    paused(), resumed()
        After ``toggle_pause()``.
    finished()
        Always, last (the thread's own signal).
    """

    yielded = Signal(object)
    yielded_many = Signal(list)
    returned = Signal(object)
    errored = Signal(object)
    aborted = Signal()
    paused = Signal()
    resumed = Signal()

    def __init__(self, function: Callable[..., Any], *args, controller: Any = None, name: str = "",
                 coalesce_ms: float = 0.0, urgent: Callable[[Any], bool] | None = None, nice: int = 0, **kwargs):
        super().__init__()
        self._nice = nice
        self._coalesce = coalesce_ms / 1000.0
        self._urgent = urgent or (lambda value: False)
        self._function = function
        self._args = args
        self._kwargs = kwargs
        self._controller = controller
        self._abort_requested = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self.setObjectName(name or getattr(function, "__name__", "worker"))
        self.finished.connect(self._on_finished)

    # ---- control, from the main thread

    def start(self) -> None:  # noqa: D102 (QThread.start, keeping the worker alive while it runs)
        _ALIVE.add(self)
        super().start()

    def quit(self) -> None:
        """Ask the task to end at its next step; ``aborted`` follows."""
        self._abort_requested.set()
        if self._controller is not None:
            self._controller.stop()
        self._running.set()

    @property
    def abort_requested(self) -> bool:
        return self._abort_requested.is_set()

    @property
    def is_paused(self) -> bool:
        return not self._running.is_set()

    def toggle_pause(self) -> None:
        """Pause a running task, or resume a paused one."""
        if self._abort_requested.is_set():
            return
        if self._running.is_set():
            self._running.clear()
            if self._controller is not None:
                self._controller.pause()
            self.paused.emit()
        else:
            self._running.set()
            if self._controller is not None:
                self._controller.unpause()
            self.resumed.emit()

    # ---- the thread

    def run(self) -> None:
        if self._nice:
            _lower_priority(self._nice)
        try:
            result = self._function(*self._args, **self._kwargs)
            if isinstance(result, Iterator):
                result = self._iterate(result)
                if result is _ABORTED:
                    self.aborted.emit()
                    return
            if self._abort_requested.is_set():
                self.aborted.emit()
            else:
                self.returned.emit(result)
        except Cancelled:
            self.aborted.emit()
        except Exception as error:  # every failure is relayed, none is lost in the thread
            error.details = traceback.format_exc()
            self.errored.emit(error)

    def _iterate(self, generator: Iterator):
        pending: list = []
        last_emit = time.perf_counter()
        try:
            while True:
                if self._controller is None:
                    # No controller to stop or pause the generator from inside: do it between steps.
                    while not self._running.wait(0.05):
                        pass
                    if self._abort_requested.is_set():
                        generator.close()
                        return _ABORTED
                try:
                    value = next(generator)
                except StopIteration as stop:
                    return stop.value
                if not self._coalesce:
                    self.yielded.emit(value)
                    continue
                pending.append(value)
                now = time.perf_counter()
                if now - last_emit >= self._coalesce or self._urgent(value):
                    self.yielded_many.emit(pending)
                    pending, last_emit = [], now
        finally:
            if pending:
                self.yielded_many.emit(pending)

    def _on_finished(self) -> None:
        self.wait()  # the thread emits finished just before it ends; let it end before it may be freed
        _ALIVE.discard(self)


_ABORTED = object()


def _lower_priority(nice: int) -> None:
    """Raise this thread's nice value (Linux: per thread; threads it starts, such as PyTorch's
    OpenMP workers, inherit it), so that the window's thread gets a core first when it wakes."""
    try:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + nice))
    except (AttributeError, OSError):
        pass  # not supported here: the thread keeps its priority


def running_workers() -> list[GeneratorWorker]:
    """Workers whose thread has not ended yet."""
    return [worker for worker in _ALIVE if worker.isRunning()]


def stop_all_workers(timeout_ms: int | None = None) -> bool:
    """Ask every running worker to end and wait for them (by default as long as they take: a thread
    still running when the application exits takes the process down); True if all ended."""
    workers = running_workers()
    for worker in workers:
        worker.quit()
    if timeout_ms is None:
        return all(worker.wait() for worker in workers)
    return all(worker.wait(timeout_ms) for worker in workers)
