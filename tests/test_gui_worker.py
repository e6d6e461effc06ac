"""The worker layer: a generator in a thread, as Qt signals, with stop and pause; tasks launched in one line,
a replaced task's results dropped."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread

from catdog_gui.gui.worker import GeneratorWorker, TaskSlot, running_workers, start_task


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


def test_request_stop_aborts_a_generator_between_steps(qtbot):
    worker = GeneratorWorker(counting, 10_000, 0.005)
    seen = []
    worker.yielded.connect(seen.append)
    returned = []
    worker.returned.connect(returned.append)
    with qtbot.waitSignal(worker.aborted, timeout=5000):
        worker.start()
        qtbot.waitUntil(lambda: len(seen) >= 3)
        worker.request_stop()
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
        worker.request_stop()


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


def test_with_a_controller_request_stop_stops_it_and_its_last_records_still_arrive(qtbot):
    task = Controlled()
    worker = GeneratorWorker(task.run, controller=task)
    seen = []
    worker.yielded.connect(seen.append)
    worker.start()
    qtbot.waitUntil(lambda: len(seen) >= 2)
    worker.toggle_pause()
    worker.toggle_pause()
    with qtbot.waitSignals([worker.aborted, worker.finished], order="strict", timeout=5000):
        worker.request_stop()
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
    if own >= 19:  # already the lowest: a worker that ignored ``nice`` would pass unseen
        pytest.skip("these tests already run at the lowest priority")
    worker = GeneratorWorker(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()), nice=5)
    with qtbot.waitSignal(worker.returned, timeout=5000) as blocker:
        worker.start()
    assert blocker.args[0] == min(19, own + 5)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own  # the window's thread keeps its own


# ---- TaskSlot and start_task: launching in one line


def test_a_worker_leaves_qthread_quit_alone():
    assert GeneratorWorker.quit is QThread.quit


def test_start_task_runs_a_plain_function_and_calls_finished_after_the_thread_has_ended(qtbot):
    calls = []
    worker = start_task(lambda a, b=0: a + b, 2, b=3, name="sum", returned=lambda value: calls.append(value),
                        finished=lambda: calls.append(("finished", worker.isRunning())))
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=5000)
    assert calls == [5, ("finished", False)]
    assert worker.objectName() == "sum"


def test_start_task_relays_an_error_and_still_finishes(qtbot):
    def failing(path):
        raise OSError(f"cannot read {path}")

    errors, finished = [], []
    start_task(failing, "photo.jpg", errored=errors.append, finished=lambda: finished.append(True))
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    assert len(errors) == 1 and isinstance(errors[0], OSError) and str(errors[0]) == "cannot read photo.jpg"
    assert "Traceback" in errors[0].details


def test_a_task_slot_drops_everything_a_replaced_task_sends(qtbot):
    slot = TaskSlot()
    heard = []
    release = threading.Event()

    def slow(tag):
        yield f"{tag} early"
        release.wait(5)
        yield f"{tag} late"
        return tag

    def listen(tag):
        return dict(yielded=lambda v: heard.append(v), returned=lambda v: heard.append(("returned", v)),
                    aborted=lambda: heard.append(("aborted", tag)), finished=lambda: heard.append(("finished", tag)))

    first = slot.start(slow, "first", **listen("first"))
    qtbot.waitUntil(lambda: heard == ["first early"], timeout=5000)
    second = slot.start(slow, "second", **listen("second"))
    assert slot.worker is second and slot.busy
    release.set()
    qtbot.waitUntil(lambda: ("finished", "second") in heard, timeout=5000)
    qtbot.waitUntil(first.isFinished, timeout=5000)
    assert heard == ["first early", "second early", "second late", ("returned", "second"), ("finished", "second")]
    assert first.abort_requested  # the replaced task was asked to stop, not left running
    assert not slot.busy and slot.worker is None


def test_a_task_slot_runs_a_plain_function_and_relays_its_error(qtbot):
    slot = TaskSlot()
    returned, errors, finished = [], [], []
    slot.start(sorted, [3, 1, 2], reverse=True, returned=returned.append, finished=lambda: finished.append(1))
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    assert returned == [[3, 2, 1]]
    slot.start(int, "not a number", returned=returned.append, errored=errors.append,
               finished=lambda: finished.append(2))
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=5000)
    assert returned == [[3, 2, 1]] and isinstance(errors[0], ValueError)
    assert "Traceback" in errors[0].details


def test_a_dropped_task_is_stopped_and_heard_no_more(qtbot):
    slot = TaskSlot()
    heard = []
    worker = slot.start(counting, 10_000, 0.002, yielded=heard.append, aborted=lambda: heard.append("aborted"),
                        finished=lambda: heard.append("finished"))
    qtbot.waitUntil(lambda: len(heard) >= 2, timeout=5000)
    slot.drop()
    count = len(heard)
    qtbot.waitUntil(worker.isFinished, timeout=5000)
    qtbot.wait(50)  # let whatever it sent before it stopped arrive, to be dropped
    assert len(heard) == count and "aborted" not in heard and not slot.busy


def test_request_stop_through_a_slot_still_delivers_the_end(qtbot):
    task = Controlled()
    slot = TaskSlot()
    heard = []
    slot.start(task.run, controller=task, yielded=heard.append, aborted=lambda: heard.append("aborted"),
               finished=lambda: heard.append("finished"))
    qtbot.waitUntil(lambda: len(heard) >= 2, timeout=5000)
    slot.request_stop()
    qtbot.waitUntil(lambda: "finished" in heard, timeout=5000)
    assert heard[-3:] == ["wound down", "aborted", "finished"] and task.calls == ["stop"]
    assert not slot.busy
