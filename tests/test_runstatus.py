"""A run folder says whether it is being written: running.json while training, its heartbeat, and what a
reader makes of a file left by a dead process or another machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from catdog_gui.core import runstatus
from catdog_gui.core.recipes import resolve_settings
from catdog_gui.core.runstatus import (FINISHED, INTERRUPTED, RUNNING, STATUS_FILE, heartbeat, mark_ended,
                                       mark_running, read_status, run_state)
from catdog_gui.core.training import EpochDone, Finished, Training


def small_training(data, runs, epochs=2) -> Training:
    settings = resolve_settings(str(data), "scratch", epochs=epochs, image_size=48, batch_size=8)
    return Training(settings, runs_dir=runs)


def write_status(run_dir, **fields) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    record = {"host": "some-gpu-server", "pid": 12345, "started": time.time() - 60, "updated": time.time()}
    record.update(fields)
    (run_dir / STATUS_FILE).write_text(json.dumps(record))


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_run_is_marked_running_while_it_trains_and_unmarked_when_it_ends(tiny_dataset, tmp_path):
    training = small_training(tiny_dataset, tmp_path / "runs")
    seen = []
    for record in training.run():
        if isinstance(record, EpochDone) and not seen:
            seen.append(run_state(training.run_dir))
            status = read_status(training.run_dir)
            assert status.pid == os.getpid() and status.in_this_process
            assert status.started <= status.updated <= time.time()
        if isinstance(record, Finished):
            finished = record
    assert seen == [RUNNING]
    assert not (training.run_dir / STATUS_FILE).exists()
    assert run_state(finished.run_dir) == FINISHED
    assert not list(training.run_dir.glob(".*.tmp"))


def test_a_run_closed_or_failed_half_way_is_unmarked(tiny_dataset, tmp_path, monkeypatch):
    training = small_training(tiny_dataset, tmp_path / "runs", epochs=5)
    records = training.run()
    while not isinstance(next(records), EpochDone):
        pass
    assert run_state(training.run_dir) == RUNNING
    records.close()  # the window dropped the generator
    assert run_state(training.run_dir) == FINISHED

    failing = small_training(tiny_dataset, tmp_path / "runs")

    def broken_model(*_):
        assert run_state(failing.run_dir) == RUNNING
        raise RuntimeError("broken")

    monkeypatch.setattr(failing, "_build_model", broken_model)
    with pytest.raises(RuntimeError, match="broken"):
        list(failing.run())
    assert run_state(failing.run_dir) == FINISHED


def test_the_heartbeat_is_throttled(tmp_path, monkeypatch):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    mark_running(run_dir)
    first = read_status(run_dir).updated
    for _ in range(1000):
        heartbeat(run_dir)
    assert read_status(run_dir).updated == first  # a thousand batches, no write
    monkeypatch.setattr(runstatus, "HEARTBEAT_SECONDS", 0.0)
    time.sleep(0.01)
    heartbeat(run_dir, phase="training", epoch="2/5")
    again = read_status(run_dir)
    assert again.updated > first and again.started == first and again.epoch == "2/5"
    mark_ended(run_dir)
    assert read_status(run_dir) is None


def test_a_stale_file_of_a_dead_process_reads_as_interrupted(tmp_path):
    import socket

    run_dir = tmp_path / "run"
    write_status(run_dir, host=socket.gethostname(), pid=dead_pid())
    assert run_state(run_dir) == INTERRUPTED
    write_status(run_dir, host=socket.gethostname(), pid=os.getpid())
    assert run_state(run_dir) == RUNNING


def test_another_machine_is_judged_by_its_heartbeat(tmp_path):
    run_dir = tmp_path / "run"
    write_status(run_dir, updated=time.time() - 20)
    assert run_state(run_dir) == RUNNING
    write_status(run_dir, updated=time.time() - 20 * 60)
    assert run_state(run_dir) == INTERRUPTED


def test_status_files_never_break_anything(tmp_path):
    missing = tmp_path / "not-made"
    mark_running(missing)  # cannot be written: silently skipped
    heartbeat(missing)
    mark_ended(missing)
    assert run_state(missing) == FINISHED
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / STATUS_FILE).write_text("{half a fi")
    assert run_state(run_dir) == FINISHED and read_status(run_dir) is None


def test_ending_a_run_never_removes_another_process_status(tmp_path):
    run_dir = tmp_path / "run"
    write_status(run_dir)
    mark_ended(run_dir)  # this process never marked it running
    assert run_state(run_dir) == RUNNING


def test_a_run_that_another_process_is_training_cannot_be_resumed_here(tiny_dataset, tmp_path):
    from catdog_gui.core.errors import UserError

    training = small_training(tiny_dataset, tmp_path / "runs", epochs=3)
    for record in training.run():
        if isinstance(record, EpochDone):
            training.stop()  # an unfinished run, with its checkpoint
    run_dir = training.run_dir
    write_status(run_dir)  # ... that a GPU server is still writing
    with pytest.raises(UserError, match="another process .*some-gpu-server.* is training this run"):
        Training.resume(run_dir)
    write_status(run_dir, updated=time.time() - 3600)  # that server went silent: it may be continued
    assert Training.resume(run_dir).run_dir == run_dir


def test_settings_of_the_wrong_shape_are_not_a_run_folder(tmp_path):
    from catdog_gui.core.errors import UserError

    (tmp_path / "settings.json").write_text("[1, 2]")
    with pytest.raises(UserError, match="settings.json: not the settings of a run: it holds a list"):
        Training.resume(tmp_path)
