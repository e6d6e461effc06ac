"""Training on several GPUs from the window: the GPUs choice in step 2, and the run as a child process
(``catdog-gui train --settings FILE --gpus N``) that step 6 follows.

This machine has no GPU: the engine is told that it has two, and the child the window starts is the
same command without ``--gpus N``, a real one-process training on the CPU.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import write_lecture_dataset
from gui_fixtures import choose_small_scratch, load_data, open_window

RUNS = 5  # the Runs step's index
BANNER = "Training on 2 GPUs in a separate process; its curves appear in step 6 (Runs) as it runs."


def tell_the_engine_it_has(monkeypatch, gpus: int) -> None:
    from catdog_gui.gui import engine

    monkeypatch.setattr(engine, "cuda_gpu_count", lambda: gpus)


@pytest.fixture
def started(monkeypatch):
    """The commands the window starts, as it builds them; what runs is each without ``--gpus N``."""
    from catdog_gui.gui import child_run

    commands = []
    real = child_run.child_command

    def one_process(settings_file, gpus, runs_dir):
        command = real(settings_file, gpus, runs_dir)
        commands.append(command)
        at = command.index("--gpus")
        return command[:at] + command[at + 2:]

    monkeypatch.setattr(child_run, "child_command", one_process)
    return commands


@pytest.fixture
def two_gpu_window(qtbot, gui_settings, monkeypatch):
    tell_the_engine_it_has(monkeypatch, 2)
    window = open_window(qtbot, gui_settings)
    window.runs_panel.poll_timer.setInterval(200)  # the runs train for seconds only
    return window


def start_on_all_gpus(window, epochs: int):
    choose_small_scratch(window, epochs)
    window.strategy_panel.gpus.setCurrentIndex(1)
    window.training_panel.start_button.click()
    return window.training_panel


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def epochs_cell(window) -> str:
    table = window.runs_panel.table
    return table.item(0, 3).text() if table.rowCount() == 1 else ""


def assert_idle(window) -> None:
    panel = window.training_panel
    assert not panel.busy and panel.start_button.isEnabled() and not panel.stop_button.isEnabled()
    assert window.strategy_panel.isEnabled() and window.data_panel.choose_button.isEnabled()


def test_with_several_gpus_step_2_offers_them_all_and_remembers_the_choice(qtbot, gui_settings, monkeypatch):
    tell_the_engine_it_has(monkeypatch, 2)
    first = open_window(qtbot, gui_settings)
    panel = first.strategy_panel
    assert first.engine.gpus == 2
    assert not panel.gpus.isHidden() and panel.hyper_form.labelForField(panel.gpus).text() == "GPUs:"
    assert [panel.gpus.itemText(i) for i in range(panel.gpus.count())] == [
        "1 (in this window)", "all 2 (torchrun; watched in step 6)"]
    assert panel.chosen_gpus() == 1
    panel.gpus.setCurrentIndex(1)
    assert panel.chosen_gpus() == 2
    first.close()

    second = open_window(qtbot, gui_settings)
    assert second.strategy_panel.gpus.currentIndex() == 1 and second.strategy_panel.chosen_gpus() == 2
    second.close()

    tell_the_engine_it_has(monkeypatch, 1)  # the same settings on a machine with one GPU
    third = open_window(qtbot, gui_settings)
    panel = third.strategy_panel
    assert panel.gpus.isHidden() and panel.hyper_form.labelForField(panel.gpus).isHidden()
    assert panel.chosen_gpus() == 1


def test_a_run_on_all_gpus_is_a_child_process_that_step_6_follows(two_gpu_window, started, qtbot, tmp_path, shoot):
    from catdog_gui.core.recipes import Settings

    window = two_gpu_window
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    panel = start_on_all_gpus(window, 20)
    assert panel.busy and panel.stop_button.isEnabled() and not panel.pause_button.isEnabled()
    assert not window.strategy_panel.isEnabled()  # locked while it trains, as a run in the window
    assert BANNER in panel.banner.text()
    assert window.stack.currentIndex() == RUNS
    [command] = started
    assert option(command, "--gpus") == "2"
    assert option(command, "--runs-dir") == str(window.runs_panel.runs_dir())
    settings_file = Path(option(command, "--settings"))
    assert Settings.from_json(settings_file.read_text()) == panel.settings

    qtbot.waitUntil(lambda: "running elsewhere" in epochs_cell(window), timeout=60_000)
    shoot(window, "runs_panel_child_run")
    qtbot.waitUntil(lambda: not panel.busy, timeout=120_000)
    assert "finished" in panel.banner.text() and "step 6" in panel.banner.text()
    qtbot.waitUntil(lambda: epochs_cell(window) == "20", timeout=10_000)  # its epochs, and no longer running
    assert window.runs_panel.table.item(0, 5).text().endswith("%")  # its test accuracy
    assert not settings_file.exists()  # the temporary file goes with the child
    assert_idle(window)


def test_a_child_that_fails_shows_its_error_in_step_3(two_gpu_window, started, qtbot, tmp_path):
    window = two_gpu_window
    data = write_lecture_dataset(tmp_path / "photos")
    load_data(qtbot, window, data)
    shutil.rmtree(data)  # the photos vanish after they were chosen
    with qtbot.waitSignal(window.training_panel.run_failed, timeout=60_000) as blocker:
        panel = start_on_all_gpus(window, 2)
    message, details = blocker.args
    assert str(data) in message and "not a folder" in message and not message.startswith("catdog-gui")
    assert f"catdog-gui: {message}" in details  # the end of the child's standard error
    assert panel.banner.text() == f"Training failed: {message}"
    assert window.error_box.isVisible() and message in window.error_box.text()
    assert_idle(window)


def test_stop_ends_the_child_and_its_run_can_be_continued(two_gpu_window, started, qtbot, tmp_path):
    from catdog_gui.core.paths import can_resume

    window = two_gpu_window
    load_data(qtbot, window, write_lecture_dataset(tmp_path / "photos"))
    panel = start_on_all_gpus(window, 2000)
    runs_dir = Path(window.runs_panel.runs_dir())
    qtbot.waitUntil(lambda: runs_dir.is_dir() and any(can_resume(run) for run in runs_dir.iterdir()),
                    timeout=60_000)
    window.show_step(2)
    panel.stop_button.click()
    assert not panel.stop_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
    assert "Stopped" in panel.banner.text() and window.error_box is None  # asked for: no error
    assert_idle(window)
    [run] = runs_dir.iterdir()
    assert can_resume(run)
    window.show_step(RUNS)
    qtbot.waitUntil(lambda: epochs_cell(window).endswith("(unfinished)"), timeout=10_000)
    window.runs_panel.select_runs([run])
    assert window.runs_panel.resume_button.isEnabled()


def test_the_command_is_the_frozen_app_itself_when_frozen(monkeypatch):
    import sys

    from catdog_gui.gui.child_run import child_command, last_error_line

    assert child_command("s.json", 4, "runs")[:4] == [sys.executable, "-m", "catdog_gui", "train"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert child_command("s.json", 4, "runs") == [sys.executable, "train", "--settings", "s.json", "--gpus", "4",
                                                  "--runs-dir", "runs"]
    # torchrun's report comes after the command line's own message: the message is what is shown.
    assert last_error_line(["catdog-gui: no photos", "ChildFailedError:", "=====", ""]) == "no photos"
    assert last_error_line(["Killed", ""]) == "Killed"
