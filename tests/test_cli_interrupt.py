"""Ctrl-C on the command line: ``train`` stops cleanly, its best model kept, exit status 130; a second
Ctrl-C stops at once; any command interrupted exits 130 with one line, no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from catdog_gui import cli
from catdog_gui.cli import EXIT_INTERRUPTED, StopOnCtrlC, main

from conftest import write_lecture_dataset

ROOT = Path(__file__).resolve().parents[1]


class FakeTraining:
    def __init__(self):
        self.stops = 0

    def stop(self):
        self.stops += 1


def test_the_first_ctrl_c_asks_the_run_to_stop_and_a_second_stops_at_once():
    training = FakeTraining()
    ctrl_c = StopOnCtrlC(training)
    ctrl_c.on_ctrl_c()
    assert training.stops == 1 and ctrl_c.pressed
    with pytest.raises(KeyboardInterrupt):
        ctrl_c.on_ctrl_c()
    assert training.stops == 1


def test_the_handler_is_set_only_while_the_records_are_read():
    before = signal.getsignal(signal.SIGINT)
    ctrl_c = StopOnCtrlC(FakeTraining())
    seen = []
    for record in ctrl_c.watching(iter([1, 2])):
        seen.append((record, signal.getsignal(signal.SIGINT)))
    assert [record for record, _ in seen] == [1, 2]
    assert all(handler == ctrl_c.on_ctrl_c for _, handler in seen)
    assert signal.getsignal(signal.SIGINT) is before


def test_an_ignored_sigint_stays_ignored():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in a job started in the background
    try:
        handlers = [signal.getsignal(signal.SIGINT) for _ in StopOnCtrlC(FakeTraining()).watching(iter([1]))]
    finally:
        signal.signal(signal.SIGINT, previous)
    assert handlers == [signal.SIG_IGN]


def test_any_command_interrupted_exits_130_with_one_line(capsys, tmp_path, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "info", interrupted)
    code = main(["info", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == EXIT_INTERRUPTED == 130
    assert err.strip().splitlines() == ["catdog-gui: interrupted"]


def test_ctrl_c_stops_a_training_run_cleanly_keeping_its_best_model(tmp_path):
    from catdog_gui.core.modelfile import load_model
    from catdog_gui.core.paths import can_resume

    data = write_lecture_dataset(tmp_path / "data")
    runs = tmp_path / "runs"
    env = dict(os.environ, PYTHONWARNINGS="ignore", OMP_NUM_THREADS="1")
    # More epochs than it could finish before it is stopped: only Ctrl-C ends it.
    command = [sys.executable, "-m", "catdog_gui", "train", str(data), "--strategy", "scratch", "--epochs", "10000",
               "--image-size", "48", "--batch-size", "8", "--device", "cpu", "--runs-dir", str(runs), "--json"]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as run:
        said = []
        for line in run.stderr:  # the first epoch's line: best.safetensors has been written
            said.append(line)
            if line.startswith("training epoch 1/10000"):
                break
        assert said and said[-1].startswith("training epoch 1/"), "".join(said)
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=300)
    assert run.returncode == 130, err
    assert "Traceback" not in err
    (run_dir,) = runs.iterdir()
    best = run_dir / "best.safetensors"
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"catdog-gui: interrupted; the best model so far is kept in {best}")
    assert f"--resume {run_dir}" in last and can_resume(run_dir)  # it may be continued
    model, info = load_model(best)
    assert info.classes == ["cats", "dogs"]
    result = json.loads(out.strip().splitlines()[-1])  # the results, as of a run that ended
    assert result["stopped"] is True and result["model"] == str(best) and 1 <= result["epochs"] < 10000
