"""Running a generator from the core in a thread, as Qt signals.

Modelled on superqt's and napari's generator workers: the function runs in its own
:class:`~PySide6.QtCore.QThread`; every value it yields arrives in the main thread as ``yielded``,
its return value as ``returned``, an exception as ``errored``, a cancellation as ``aborted``, then
``finished`` and, once the thread has ended, ``ended``. ``request_stop()`` and ``toggle_pause()`` go
the other way. The worker never touches a widget: signals are queued to the receivers' (main) thread by Qt.

A *controller* (such as :class:`catdog_gui.core.training.Training`) may be given: then ``request_stop()``
calls its ``stop()`` and the generator winds down on its own (its last records, such as the final
``Finished``, are still delivered), and pausing calls its ``pause()`` and ``unpause()``.

Widgets do not build workers by hand: they start work in one line through :class:`TaskSlot` (one task
at a time, a replaced task's results dropped) or :func:`start_task` (every task heard to its end).
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from typing import Any, Callable, Iterator

from PySide6.QtCore import QObject, QThread, Signal

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
        It ended because ``request_stop()`` was called.
    paused(), resumed()
        After ``toggle_pause()``.
    finished()
        Always, after the above (the thread's own signal, sent as the thread ends).
    ended()
        Always, last: in the main thread once the thread has ended, while the worker is still referenced.
    """

    yielded = Signal(object)
    yielded_many = Signal(list)
    returned = Signal(object)
    errored = Signal(object)
    aborted = Signal()
    paused = Signal()
    resumed = Signal()
    ended = Signal()

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

    def request_stop(self) -> None:
        """Ask the task to end at its next step; ``aborted`` follows (``QThread.quit`` is left alone:
        it ends an event loop, which this thread does not run)."""
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
        self.ended.emit()  # delivered at once (same thread), before the worker may be freed
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
        worker.request_stop()
    if timeout_ms is None:
        return all(worker.wait() for worker in workers)
    return all(worker.wait(timeout_ms) for worker in workers)


# The worker's signals that can be handed to callbacks, by the name of the callback; ``finished``
# is the worker's ``ended``, so that it comes after the thread has ended.
_CALLBACK_SIGNALS = {"yielded": "yielded", "yielded_many": "yielded_many", "returned": "returned",
                     "errored": "errored", "aborted": "aborted", "paused": "paused", "resumed": "resumed",
                     "finished": "ended"}


def _split_callbacks(options: dict) -> dict[str, Callable]:
    """Take the callbacks (``returned=...`` and the like) out of ``options``; what is left is for the worker."""
    callbacks = {name: options.pop(name) for name in _CALLBACK_SIGNALS if name in options}
    return {name: callback for name, callback in callbacks.items() if callback is not None}


def start_task(function: Callable[..., Any], *args, **options) -> GeneratorWorker:
    """Run ``function(*args)`` in a started :class:`GeneratorWorker`, its signals connected to the callbacks
    given; every signal is delivered (see :class:`TaskSlot` for work that a newer request replaces).

    Parameters
    ----------
    function
        A generator function or a plain one.
    *args
        Its arguments.
    **options
        Callbacks by signal: ``yielded``, ``yielded_many``, ``returned``, ``errored``, ``aborted``, ``paused``,
        ``resumed`` and ``finished`` (last, once the thread has ended); the worker's ``controller``, ``name``,
        ``coalesce_ms``, ``urgent`` and ``nice``; any other keyword goes to ``function``.

    Returns
    -------
    GeneratorWorker
        The worker, running.
    """
    callbacks = _split_callbacks(options)
    worker = GeneratorWorker(function, *args, **options)
    for name, callback in callbacks.items():
        getattr(worker, _CALLBACK_SIGNALS[name]).connect(callback)
    worker.start()
    return worker


class TaskSlot(QObject):
    """One task at a time for a widget: starting another, or :meth:`drop`, stops the one before and drops
    whatever it still sends, so the widget's callbacks only ever hear from the task it wants.

    A widget keeps one slot per kind of work and launches in one line::

        self._scan = TaskSlot(self)
        self._scan.start(load, folder, returned=self._on_scan_returned, errored=self._on_scan_errored)

    Parameters
    ----------
    parent
        The widget: the slot goes with it, and nothing reaches a widget that is gone.
    """

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._worker: GeneratorWorker | None = None
        self._callbacks: dict[str, Callable] = {}

    @property
    def worker(self) -> GeneratorWorker | None:
        """The task running (None when idle): to pause it, for instance."""
        return self._worker

    @property
    def busy(self) -> bool:
        """A task is running (from :meth:`start` until its ``finished`` callback has been called)."""
        return self._worker is not None

    def start(self, function: Callable[..., Any], *args, **options) -> GeneratorWorker:
        """Run ``function(*args)`` in the background in place of the task before (see :func:`start_task`
        for the arguments); the callbacks hear only from this task. Returns its worker, running."""
        self.drop()
        self._callbacks = _split_callbacks(options)
        worker = GeneratorWorker(function, *args, **options)
        for name in _CALLBACK_SIGNALS:  # "finished" always: the slot is free again when its task ends
            if name in self._callbacks or name == "finished":
                getattr(worker, _CALLBACK_SIGNALS[name]).connect(getattr(self, f"_on_{name}"))
        self._worker = worker
        worker.start()
        return worker

    def request_stop(self) -> None:
        """Ask the task to end at its next step; its callbacks still hear the rest (``aborted``, ``finished``)."""
        if self._worker is not None:
            self._worker.request_stop()

    def drop(self) -> None:
        """Ask the task to end and forget it: nothing it still sends reaches the callbacks."""
        if self._worker is not None:
            self._worker.request_stop()
        self._worker = None

    # ---- the task's signals, handed on while it is the current one

    def _relay(self, name: str, *args) -> None:
        if self.sender() is not self._worker:
            return  # a task since replaced or dropped: the one place its results are dropped
        if name == "finished":
            self._worker = None  # free before the callback, which may start the next task
        callback = self._callbacks.get(name)
        if callback is not None:
            callback(*args)

    def _on_yielded(self, value) -> None:
        self._relay("yielded", value)

    def _on_yielded_many(self, values: list) -> None:
        self._relay("yielded_many", values)

    def _on_returned(self, value) -> None:
        self._relay("returned", value)

    def _on_errored(self, error) -> None:
        self._relay("errored", error)

    def _on_aborted(self) -> None:
        self._relay("aborted")

    def _on_paused(self) -> None:
        self._relay("paused")

    def _on_resumed(self) -> None:
        self._relay("resumed")

    def _on_finished(self) -> None:
        self._relay("finished")
