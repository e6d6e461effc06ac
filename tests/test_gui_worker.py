"""The worker layer: a generator in a thread, as Qt signals, with quit and pause."""

from __future__ import annotations

import threading
import time

import pytest

from catdog_gui.gui.worker import GeneratorWorker, running_workers


def counting(n, delay=0.0):
    for i in range(n):
        if delay:
            time.sleep(delay)
        yield i
    return "done"


def test_yields_arrive_in_order_in_the_main_thread_then_returned_and_finished(qtbot):
    worker = GeneratorWorker(counting, 5)
    seen, threads, returned = [], [], []
    worker.yielded.connect(lambda v: (seen.append(v), threads.append(threading.current_thread())))
    worker.returned.connect(returned.append)
    with qtbot.waitSignals([worker.returned, worker.finished], order="strict", timeout=5000):
        worker.start()
    assert seen == [0, 1, 2, 3, 4]
    assert set(threads) == {threading.main_thread()}
    assert returned == ["done"]
    assert worker not in running_workers()


def test_an_exception_is_relayed_with_its_traceback(qtbot):
    def failing():
        yield 1
        raise ValueError("bad photo")

    worker = GeneratorWorker(failing)
    with qtbot.waitSignal(worker.errored, timeout=5000) as blocker:
        worker.start()
    error = blocker.args[0]
    assert isinstance(error, ValueError) and str(error) == "bad photo"
    assert "Traceback" in error.details and "failing" in error.details
    qtbot.waitUntil(lambda: worker.isFinished())


def test_quit_aborts_a_generator_between_steps(qtbot):
    worker = GeneratorWorker(counting, 10_000, 0.005)
    seen = []
    worker.yielded.connect(seen.append)
    returned = []
    worker.returned.connect(returned.append)
    with qtbot.waitSignal(worker.aborted, timeout=5000):
        worker.start()
        qtbot.waitUntil(lambda: len(seen) >= 3)
        worker.quit()
    qtbot.waitUntil(worker.isFinished)
    assert 3 <= len(seen) < 10_000 and not returned


def test_pause_holds_the_generator_until_resumed(qtbot):
    worker = GeneratorWorker(counting, 10_000, 0.002)
    seen = []
    worker.yielded.connect(seen.append)
    worker.start()
    qtbot.waitUntil(lambda: len(seen) >= 2)
    with qtbot.waitSignal(worker.paused):
        worker.toggle_pause()
    qtbot.wait(150)
    held = len(seen)
    qtbot.wait(200)
    assert len(seen) == held and worker.is_paused
    with qtbot.waitSignal(worker.resumed):
        worker.toggle_pause()
    qtbot.waitUntil(lambda: len(seen) > held + 5)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.quit()


class Controlled:
    """Stands for core's Training: stop/pause/unpause reach the generator, which winds down itself."""

    def __init__(self):
        self.stopped = threading.Event()
        self.calls = []

    def run(self):
        for i in range(100_000):
            if self.stopped.is_set():
                yield "wound down"
                return
            time.sleep(0.002)
            yield i

    def stop(self):
        self.calls.append("stop")
        self.stopped.set()

    def pause(self):
        self.calls.append("pause")

    def unpause(self):
        self.calls.append("unpause")


def test_with_a_controller_quit_stops_it_and_its_last_records_still_arrive(qtbot):
    task = Controlled()
    worker = GeneratorWorker(task.run, controller=task)
    seen = []
    worker.yielded.connect(seen.append)
    worker.start()
    qtbot.waitUntil(lambda: len(seen) >= 2)
    worker.toggle_pause()
    worker.toggle_pause()
    with qtbot.waitSignals([worker.aborted, worker.finished], order="strict", timeout=5000):
        worker.quit()
    assert seen[-1] == "wound down"
    assert task.calls == ["pause", "unpause", "stop"]



def test_coalesced_values_all_arrive_in_order_and_urgent_ones_at_once(qtbot):
    def ticking():
        for i in range(200):
            time.sleep(0.001)
            yield i
        yield "last"

    worker = GeneratorWorker(ticking, coalesce_ms=50, urgent=lambda v: v == "last")
    batches = []
    worker.yielded_many.connect(batches.append)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.start()
    values = [v for batch in batches for v in batch]
    assert values == list(range(200)) + ["last"]
    assert 2 <= len(batches) < 100  # handed over in a few lists, not one by one
    assert batches[-1][-1] == "last"


def test_a_background_worker_runs_at_a_lower_priority(qtbot):
    import os

    if not hasattr(os, "getpriority"):
        pytest.skip("no thread priorities on this system")
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    worker = GeneratorWorker(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()), nice=5)
    with qtbot.waitSignal(worker.returned, timeout=5000) as blocker:
        worker.start()
    assert blocker.args[0] == min(19, own + 5)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own  # the window's thread keeps its own
