"""The Runs step watches runs that another process writes: listed as running elsewhere, their curves
growing as epochs finish, their final accuracies once they end; nothing of them can be deleted or continued."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import write_lecture_dataset

HEADER = "phase,epoch,loss,accuracy,val_loss,val_accuracy,seconds\n"
EPOCH_ROWS = [
    "training,1,0.69,0.52,0.68,0.55,12.0\n",
    "training,2,0.61,0.66,0.60,0.68,11.5\n",
    "training,3,0.52,0.74,0.55,0.72,11.8\n",
    "training,4,0.45,0.79,0.50,0.77,11.6\n",
]


@pytest.fixture
def panel(qtbot):
    import catdog_gui.gui.main_window  # noqa: F401 (the window's look: white plots)
    from catdog_gui.gui.runs_panel import RunsPanel

    widget = RunsPanel()
    widget.resize(1100, 720)
    qtbot.addWidget(widget)
    return widget


class ElsewhereRun:
    """A run folder written the way a training process on another machine writes it."""

    def __init__(self, runs: Path, name: str = "20261130-101500-scratch"):
        self.path = runs / name
        self.path.mkdir(parents=True)
        (self.path / "settings.json").write_text(json.dumps(
            {"strategy": "scratch", "backbone": "scratch-cnn", "data": "/data/catsdogs", "image_size": 48}))
        self.started = time.time()
        self.beat()

    def beat(self) -> None:
        record = {"host": "gpu-server-7", "pid": 4242, "started": self.started, "updated": time.time()}
        (self.path / "running.json").write_text(json.dumps(record))

    def finish_epochs(self, count: int) -> None:
        (self.path / "metrics.csv").write_text(HEADER + "".join(EPOCH_ROWS[:count]))
        self.beat()

    def end(self, val_accuracy: float, test_accuracy: float) -> None:
        from safetensors.numpy import save_file

        metrics = json.dumps({"val_accuracy": val_accuracy, "test_accuracy": test_accuracy})
        save_file({"w": np.zeros(1, np.float32)}, str(self.path / "best.safetensors"), metadata={"metrics": metrics})
        (self.path / "running.json").unlink()


def epochs_cell(panel, row: int = 0) -> str:
    return panel.table.item(row, 3).text()


def validation_points(panel) -> int:
    curves = panel.accuracy_plot.getPlotItem().listDataItems()
    return max((len(curve.getData()[0]) for curve in curves), default=0)


def test_a_run_written_elsewhere_is_followed_live(panel, qtbot, tmp_path, shoot):
    panel.show()
    assert panel.table.rowCount() == 0 and panel.poll_timer.isActive()
    run = ElsewhereRun(tmp_path / "runs")  # appears after the step was shown
    run.finish_epochs(1)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=10_000)
    assert epochs_cell(panel) == "1 (running elsewhere)"
    assert "gpu-server-7" in panel.table.item(0, 3).toolTip()
    assert "1 running elsewhere" in panel.where_label.text()
    panel.select_runs([run.path])
    assert validation_points(panel) == 1
    assert not panel.delete_button.isEnabled() and not panel.resume_button.isEnabled()
    assert "process 4242 on gpu-server-7" in panel.delete_button.toolTip()
    assert panel.delete_selected(confirm=False) == 0 and run.path.is_dir()

    for done in (2, 3):
        run.finish_epochs(done)
        qtbot.waitUntil(lambda: validation_points(panel) == done, timeout=10_000)
        assert epochs_cell(panel) == f"{done} (running elsewhere)"
    assert len(panel.selected_runs()) == 1  # the selection survives the updates
    shoot(panel, "runs_panel_running_elsewhere")

    run.finish_epochs(4)
    run.end(val_accuracy=0.77, test_accuracy=0.75)
    qtbot.waitUntil(lambda: panel.table.item(0, 5).text() == "75.0 %", timeout=10_000)
    assert epochs_cell(panel) == "4" and panel.table.item(0, 4).text() == "77.0 %"
    assert validation_points(panel) == 4
    assert panel.delete_button.isEnabled() and "running elsewhere" not in panel.where_label.text()
    panel.hide()
    assert not panel.poll_timer.isActive()  # nobody looks, nothing is read


def test_a_run_whose_writer_went_silent_is_no_longer_running(panel, qtbot, tmp_path):
    run = ElsewhereRun(tmp_path / "runs")
    run.finish_epochs(2)
    record = json.loads((run.path / "running.json").read_text())
    record["updated"] = time.time() - 3600  # the server was switched off an hour ago
    (run.path / "running.json").write_text(json.dumps(record))
    (run.path / "checkpoint.pt").write_bytes(b"")
    panel.show()
    assert epochs_cell(panel) == "2 (unfinished)"
    panel.select_runs([run.path])
    assert panel.delete_button.isEnabled() and panel.resume_button.isEnabled()


def test_a_command_line_run_appears_and_finishes(panel, qtbot, tmp_path):
    data = write_lecture_dataset(tmp_path / "photos")
    runs = tmp_path / "runs"
    panel.poll_timer.setInterval(200)  # the run trains for a few seconds only
    panel.show()
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    command = [sys.executable, "-m", "catdog_gui", "train", str(data), "--strategy", "scratch", "--epochs", "20",
               "--image-size", "48", "--batch-size", "8", "--device", "cpu", "--precision", "fp32",
               "--runs-dir", str(runs), "--json"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        qtbot.waitUntil(lambda: panel.table.rowCount() == 1 and "running elsewhere" in epochs_cell(panel),
                        timeout=60_000)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    qtbot.waitUntil(lambda: "running elsewhere" not in epochs_cell(panel), timeout=10_000)
    assert epochs_cell(panel) == str(result["epochs"])
    assert panel.table.item(0, 5).text() == f"{100 * result['test_accuracy']:.1f} %"
    assert not (Path(result["run_dir"]) / "running.json").exists()
