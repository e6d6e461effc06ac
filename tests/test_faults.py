"""Faults during a run: the process killed, a read-only or full disk, the photos moved away, the
memory running out, a worker failing. Each ends with a clear message and nothing lost that was saved.

The tests run as root (here and in CI), for whom permission bits mean nothing, so a read-only folder
and a full disk are simulated below at the calls that write files.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from catdog_gui.core import training as training_module
from catdog_gui.core.device import is_out_of_memory, map_in_batches
from catdog_gui.core.errors import DataError, UserError
from catdog_gui.core.modelfile import load_model
from catdog_gui.core.prediction import Predictor
from catdog_gui.core.recipes import resolve_settings
from catdog_gui.core.training import EpochDone, Finished, Progress, Training

from conftest import write_lecture_dataset
from test_cli import run_cli
from gui_fixtures import choose_small_scratch, load_data

TRAIN_FAST = ["--strategy", "scratch", "--image-size", "48", "--batch-size", "8", "--device", "cpu",
              "--precision", "fp32"]


def scratch_settings(data, epochs=3, **overrides):
    overrides = {"image_size": 48, "batch_size": 8, "lr": 1e-3, "device": "cpu", "precision": "fp32",
                 **overrides}
    return resolve_settings(str(data), "scratch", epochs=epochs, **overrides)


def leftovers(folder: Path) -> list[str]:
    """Temporary files of unfinished saves."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def metric_epochs(run_dir: Path) -> list[int]:
    with open(run_dir / "metrics.csv", newline="") as handle:
        return [int(row["epoch"]) for row in csv.DictReader(handle)]


def assert_one_line_error(code: int, err: str, *words: str) -> str:
    """Exit status 2 and one line saying what went wrong: the last on standard error (a run's progress
    lines may come before it), and the only one naming the program."""
    assert code == 2 and "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert [line for line in lines if line.startswith("catdog-gui: ")] == lines[-1:], err
    for word in words:
        assert word in lines[-1], lines[-1]
    return lines[-1]


# ---- killed mid-run ---------------------------------------------------------------------------------

def test_a_run_killed_mid_epoch_keeps_a_consistent_folder_and_resumes_to_the_end(tmp_path):
    """A real process, killed with SIGKILL while it trains; then ``train --resume`` finishes the run."""
    data = write_lecture_dataset(tmp_path / "photos", per_split=(40, 8, 4))
    runs = tmp_path / "runs"
    epochs = 16
    env = {**os.environ, "CATDOG_GUI_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "catdog_gui", "train", str(data), *TRAIN_FAST, "--epochs", str(epochs),
               "--runs-dir", str(runs), "--json"]
    log = tmp_path / "stderr.txt"
    with open(log, "w") as stderr:
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + 120
        while not (runs.is_dir() and any(runs.iterdir()) and _epochs_written(next(runs.iterdir())) >= 2):
            assert child.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the run did not get going"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)  # 10 batches an epoch: this lands inside one, or inside a save
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    run_dir = next(runs.iterdir())
    done = metric_epochs(run_dir)
    assert 2 <= len(done) < epochs and done == list(range(1, len(done) + 1))
    load_model(run_dir / "best.safetensors")  # every file that was in place is whole
    checkpoint = torch.load(run_dir / "checkpoint.pt", map_location="cpu", weights_only=True)
    assert json.loads(checkpoint["state"])["epoch"] in (len(done) - 1, len(done))

    resumed = subprocess.run([sys.executable, "-m", "catdog_gui", "train", "--resume", str(run_dir), "--json"],
                             env=env, capture_output=True, text=True, timeout=300, check=False)
    assert resumed.returncode == 0, resumed.stderr
    result = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert result["run_dir"] == str(run_dir) and not result["stopped"]
    assert metric_epochs(run_dir) == list(range(1, epochs + 1))
    assert leftovers(run_dir) == []
    for name in ("best.safetensors", "last.safetensors"):
        load_model(run_dir / name)
    assert result["test_accuracy"] is not None


def _epochs_written(run_dir: Path) -> int:
    try:
        return len(metric_epochs(run_dir))
    except (OSError, KeyError, ValueError):
        return 0


def test_resuming_cleans_up_after_a_kill_during_a_save(tiny_dataset, tmp_path):
    """Killed after writing metrics.csv but before the checkpoint, with a save's temporary file left."""
    def settings():
        return scratch_settings(tiny_dataset, epochs=5, seed=2)

    interrupted = Training(settings(), runs_dir=tmp_path / "runs")
    for record in interrupted.run():
        if isinstance(record, EpochDone) and record.epoch == 3:
            break
    run_dir = interrupted.run_dir
    with open(run_dir / "metrics.csv", "a") as handle:  # epoch 4's row, whose checkpoint never came
        handle.write("training,4,0.5,0.5,0.5,0.5,0.1\n")
    (run_dir / ".best.safetensors.k2j4.tmp").write_bytes(b"half a model")
    (run_dir / ".checkpoint.pt.x81q.tmp").write_bytes(b"half a checkpoint")

    records = list(Training.resume(run_dir).run())
    assert [r.epoch for r in records if isinstance(r, EpochDone)] == [4, 5]
    assert metric_epochs(run_dir) == [1, 2, 3, 4, 5]
    assert leftovers(run_dir) == []
    whole = list(Training(settings(), runs_dir=tmp_path / "whole").run())
    with open(run_dir / "metrics.csv", newline="") as handle:
        resumed_loss = [float(row["val_loss"]) for row in csv.DictReader(handle)]
    assert resumed_loss == pytest.approx([r.val_loss for r in whole if isinstance(r, EpochDone)], abs=1e-5)


def test_resume_without_data_and_of_a_folder_that_is_not_a_run(capsys, tmp_path):
    code, _, err = run_cli(capsys, "train", "--resume", tmp_path)
    assert_one_line_error(code, err, str(tmp_path), "not a run folder")
    code, _, err = run_cli(capsys, "train")
    assert_one_line_error(code, err, "DATA", "--resume")


# ---- read-only and full disks ------------------------------------------------------------------------

def refuse_writes_under(patch, folder: Path, number: int) -> None:
    """Creating files or folders under ``folder`` fails with ``number`` (EROFS, EACCES...)."""
    real_open, real_mkdir = os.open, os.mkdir

    def inside(path) -> bool:
        return Path(os.fspath(path)).resolve().is_relative_to(folder.resolve())

    def guarded_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and inside(path):
            raise OSError(number, os.strerror(number), os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    def guarded_mkdir(path, *args, **kwargs):
        if inside(path):
            raise OSError(number, os.strerror(number), os.fspath(path))
        return real_mkdir(path, *args, **kwargs)

    patch.setattr(os, "open", guarded_open)
    patch.setattr(os, "mkdir", guarded_mkdir)


def fill_the_disk(patch) -> list[str]:
    """Every save writes part of its file, then fails as a full disk does; returns the paths tried."""
    import pathlib

    import safetensors.torch

    tried = []

    def partial(path):
        tried.append(str(path))
        Path(path).write_bytes(b"the first bytes of a file that did not fit")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    patch.setattr(safetensors.torch, "save_file", lambda tensors, path, metadata=None: partial(path))
    patch.setattr(torch, "save", lambda obj, path, *a, **k: partial(path))
    real_write_text = pathlib.Path.write_text
    patch.setattr(pathlib.Path, "write_text", lambda self, *a, **k: (
        partial(self) if self.name.endswith(".tmp") else real_write_text(self, *a, **k)))
    return tried


def test_a_read_only_runs_folder_is_a_clear_error_before_anything_runs(capsys, tiny_dataset, tmp_path,
                                                                       monkeypatch):
    runs = tmp_path / "read-only runs"
    runs.mkdir()
    refuse_writes_under(monkeypatch, runs, errno.EROFS)
    code, out, err = run_cli(capsys, "train", tiny_dataset, *TRAIN_FAST, "--epochs", "1", "--runs-dir", runs)
    line = assert_one_line_error(code, err, str(runs), "Read-only file system", "another runs folder")
    assert out == "" and list(runs.iterdir()) == [], line


def test_a_run_folder_that_turns_read_only_keeps_the_best_model(tiny_dataset, tmp_path):
    training = Training(scratch_settings(tiny_dataset, epochs=4), runs_dir=tmp_path / "runs")
    run = training.run()
    for record in run:
        if isinstance(record, EpochDone):
            break
    best = training.run_dir / "best.safetensors"
    saved = best.read_bytes()
    with pytest.MonkeyPatch.context() as patch, pytest.raises(UserError) as info:
        refuse_writes_under(patch, training.run_dir, errno.EACCES)
        list(run)
    message = str(info.value)
    assert "Permission denied" in message and "the previous file is unchanged" in message
    assert str(training.run_dir) in message and "choose a folder you may write to" in message
    assert best.read_bytes() == saved and leftovers(training.run_dir) == []
    load_model(best)


def test_a_full_disk_stops_the_run_with_the_previous_model_intact_and_no_half_file(tiny_dataset, tmp_path):
    training = Training(scratch_settings(tiny_dataset, epochs=4), runs_dir=tmp_path / "runs")
    run = training.run()
    for record in run:
        if isinstance(record, EpochDone):
            break
    run_dir = training.run_dir
    before = {name: (run_dir / name).read_bytes() for name in ("best.safetensors", "checkpoint.pt", "metrics.csv")}
    with pytest.MonkeyPatch.context() as patch, pytest.raises(UserError) as info:
        tried = fill_the_disk(patch)
        list(run)
    message = str(info.value)
    assert "No space left on device" in message and "free some disk space" in message
    assert "previous file is unchanged" in message
    assert tried and all(Path(p).parent == run_dir for p in tried)  # a save was really attempted...
    assert leftovers(run_dir) == []  # ...and its half-written file removed
    for name, content in before.items():
        assert (run_dir / name).read_bytes() == content, name
    load_model(run_dir / "best.safetensors")
    resumed = list(Training.resume(run_dir).run())  # space freed: the run goes on from its checkpoint
    assert isinstance(resumed[-1], Finished) and metric_epochs(run_dir) == [1, 2, 3, 4]


def test_a_full_disk_on_the_command_line_is_one_line_and_exit_status_2(capsys, tiny_dataset, tmp_path,
                                                                       monkeypatch):
    fill_the_disk(monkeypatch)
    code, _, err = run_cli(capsys, "train", tiny_dataset, *TRAIN_FAST, "--epochs", "1", "--runs-dir",
                         tmp_path / "runs")
    assert_one_line_error(code, err, "settings.json", "No space left on device", "free some disk space")


# ---- the photos moved away during a run --------------------------------------------------------------

@pytest.mark.parametrize("how", ["deleted", "renamed"])
def test_photos_moved_away_while_they_are_read_is_a_clear_error(tmp_path, monkeypatch, how):
    data = write_lecture_dataset(tmp_path / "photos", per_split=(12, 4, 4))
    monkeypatch.setattr(training_module, "EXTRACT_CHUNK", 4)
    training = Training(scratch_settings(data), runs_dir=tmp_path / "runs")
    with pytest.raises(DataError) as info:
        for record in training.run():
            if isinstance(record, Progress) and record.done == 4:
                shutil.rmtree(data) if how == "deleted" else data.rename(tmp_path / "elsewhere")
    assert str(info.value).startswith(f"{data}: moved, renamed or deleted while the run was reading")


def test_a_class_folder_renamed_while_it_is_read_is_named(tmp_path, monkeypatch):
    data = write_lecture_dataset(tmp_path / "photos", per_split=(12, 4, 4))
    monkeypatch.setattr(training_module, "EXTRACT_CHUNK", 4)
    with pytest.raises(DataError) as info:
        for record in Training(scratch_settings(data), runs_dir=tmp_path / "runs").run():
            if isinstance(record, Progress) and record.done == 4:
                (data / "train" / "dogs").rename(data / "train" / "puppies")
    assert str(info.value).startswith(f"{data / 'train' / 'dogs'}: moved, renamed or deleted")


def test_feature_extraction_notices_the_photos_moving_away_too(tmp_path, monkeypatch):
    data = write_lecture_dataset(tmp_path / "photos", per_split=(8, 4, 4))
    monkeypatch.setattr(training_module, "EXTRACT_CHUNK", 4)
    settings = resolve_settings(str(data), "feature-extraction", epochs=1, image_size=64, batch_size=8)
    with pytest.raises(DataError, match="moved, renamed or deleted"):
        for record in Training(settings, runs_dir=tmp_path / "runs").run():
            if isinstance(record, Progress) and record.done == 4:
                shutil.rmtree(data)


def test_photos_moved_away_during_the_epochs_do_not_stop_the_run_and_resuming_names_the_folder(
        capsys, tmp_path):
    data = write_lecture_dataset(tmp_path / "photos")
    training = Training(scratch_settings(data, epochs=3), runs_dir=tmp_path / "runs")
    records = []
    for record in training.run():
        records.append(record)
        if isinstance(record, EpochDone) and record.epoch == 1:
            data.rename(tmp_path / "moved")  # every photo is in memory by now
    finished = records[-1]
    assert isinstance(finished, Finished) and finished.epochs == 3 and finished.test_accuracy is not None
    load_model(finished.model_path)
    code, _, err = run_cli(capsys, "train", "--resume", finished.run_dir)  # finished: nothing to continue
    assert code == 2
    stopped = Training(scratch_settings(tmp_path / "moved", epochs=5), runs_dir=tmp_path / "runs")
    for record in stopped.run():
        if isinstance(record, EpochDone):
            stopped.stop()
    (tmp_path / "moved").rename(tmp_path / "moved again")
    code, _, err = run_cli(capsys, "train", "--resume", stopped.run_dir)
    assert_one_line_error(code, err, str(tmp_path / "moved"), "not a folder")
    assert (stopped.run_dir / "best.safetensors").is_file()


# ---- out of memory ---------------------------------------------------------------------------------

def run_out_of_memory_after(patch, steps: int) -> None:
    """Training steps after the first ``steps`` fail as a GPU does when its memory is full."""
    real = training_module._Loop._logits
    calls = {"training": 0}

    def logits(self, inputs, training):
        if training:
            calls["training"] += 1
            if calls["training"] > steps:
                raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return real(self, inputs, training)

    patch.setattr(training_module._Loop, "_logits", logits)


def test_out_of_memory_while_training_suggests_a_smaller_batch_and_keeps_the_best_model(
        capsys, tiny_dataset, tmp_path, monkeypatch):
    run_out_of_memory_after(monkeypatch, steps=3)  # two steps an epoch: the second epoch fails
    code, _, err = run_cli(capsys, "train", tiny_dataset, *TRAIN_FAST, "--epochs", "3", "--runs-dir",
                         tmp_path / "runs")
    line = assert_one_line_error(code, err, "out of memory", "batches of 8 images of 48 px",
                                 "smaller batch size (for instance 4)", "best model so far is kept")
    run_dir = next((tmp_path / "runs").iterdir())
    assert str(run_dir) in line
    load_model(run_dir / "best.safetensors")


def test_inference_halves_its_batch_when_memory_runs_out_and_gives_the_same_answers(trained_model,
                                                                                     monkeypatch):
    model_path, data = trained_model
    predictor = Predictor(model_path, device="cpu")
    photos = sorted(str(p) for p in (data / "test").rglob("*.png"))
    expected, _ = predictor.predict_paths(photos)
    real = predictor._inference_model
    sizes = []

    def small_memory(batch):
        sizes.append(len(batch))
        if len(batch) > 3:
            raise torch.OutOfMemoryError("CUDA out of memory")
        return real(batch)

    monkeypatch.setattr(predictor, "_inference_model", small_memory)
    got, _ = predictor.predict_paths(photos)
    assert [p.label for p in got] == [p.label for p in expected]
    assert [p.probability for p in got] == pytest.approx([p.probability for p in expected], abs=1e-6)
    assert sizes[:3] == [8, 4, 2] and max(sizes[3:]) <= 3  # 8 photos: halved until it fits, then kept


def test_map_in_batches_halves_on_memory_errors_only():
    seen = []

    def work(start, stop):
        seen.append(stop - start)
        if stop - start > 5:
            raise MemoryError
        return list(range(start, stop))

    assert [n for part in map_in_batches(work, 23, 16) for n in part] == list(range(23))
    assert seen[:3] == [16, 8, 4]
    with pytest.raises(ValueError):
        map_in_batches(lambda a, b: int("not a number"), 4, 2)
    with pytest.raises(UserError, match="one image at a time"):
        map_in_batches(lambda a, b: (_ for _ in ()).throw(torch.OutOfMemoryError("out of memory")), 4, 4)


@pytest.mark.parametrize("error, expected", [
    (torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), True),
    (MemoryError(), True),
    (RuntimeError("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate memory"), True),
    (RuntimeError("MPS backend out of memory (MPS allocated: 17 GB)"), True),
    (RuntimeError("mat1 and mat2 shapes cannot be multiplied"), False),
    (ValueError("out of memory"), False),
])
def test_out_of_memory_is_recognised_in_each_of_its_forms(error, expected):
    assert is_out_of_memory(error) is expected


# ---- the window ---------------------------------------------------------------------------------------

def assert_window_usable(window, qtbot) -> None:
    """The run's controls are back, and another run trains to the end."""
    panel = window.training_panel
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    assert panel.start_button.isEnabled() and window.data_panel.choose_button.isEnabled()
    window.error_box.close()
    with qtbot.waitSignal(panel.run_finished, timeout=60_000) as blocker:
        panel.start_button.click()
    assert not blocker.args[0].stopped and blocker.args[0].model_path


def test_the_window_says_out_of_memory_with_what_to_change_and_stays_usable(window, qtbot, tmp_path):
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, 2)
    with pytest.MonkeyPatch.context() as patch:
        run_out_of_memory_after(patch, steps=0)
        with qtbot.waitSignal(window.training_panel.run_failed, timeout=30_000) as blocker:
            window.training_panel.start_button.click()
        qtbot.waitUntil(lambda: not window.training_panel.busy, timeout=5000)
    message = blocker.args[0]
    assert message.startswith("out of memory") and "smaller batch size (for instance 4)" in message
    assert window.error_box.isVisible() and "smaller batch size" in window.error_box.text()
    assert_window_usable(window, qtbot)


def test_the_window_says_the_disk_is_full_and_stays_usable(window, qtbot, tmp_path):
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    choose_small_scratch(window, 2)
    with pytest.MonkeyPatch.context() as patch:
        fill_the_disk(patch)
        with qtbot.waitSignal(window.training_panel.run_failed, timeout=30_000) as blocker:
            window.training_panel.start_button.click()
        qtbot.waitUntil(lambda: not window.training_panel.busy, timeout=5000)
    assert "No space left on device" in blocker.args[0] and "free some disk space" in blocker.args[0]
    assert_window_usable(window, qtbot)


def test_a_failing_prediction_worker_is_reported_and_the_predictor_stays_usable(window, qtbot, trained_model):
    model_path, data = trained_model
    panel = window.predictor_panel
    with qtbot.waitSignal(panel.model_loaded, timeout=30_000):
        panel.open_model(model_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Predictor, "predict_paths", lambda self, paths: 1 / 0)
        with qtbot.waitSignal(panel.predictions_finished, timeout=30_000):
            panel.add_paths([data / "test" / "cats"])
    assert "Classifying failed: unexpected error (ZeroDivisionError" in panel.banner.text()
    assert not panel.busy and panel.add_files_button.isEnabled()
    with qtbot.waitSignal(panel.predictions_finished, timeout=30_000):
        panel.add_paths([data / "test" / "dogs"])
    assert panel.table.rowCount() == 4
