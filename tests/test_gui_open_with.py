"""Opening files when the app starts (``catdog-gui PATH...``, a file manager's Open With) and a second
launch handing its files to the window already open."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import make_image, write_lecture_dataset, write_model_file
from gui_fixtures import ENGINE_TIMEOUT_MS

PREDICT_TIMEOUT_MS = 30_000
SECOND_LAUNCH_TIMEOUT_S = 60


@pytest.fixture
def instance_name():
    """A single-instance server name of this test's own: never the user's open window."""
    return f"catdog-gui-test-{uuid.uuid4().hex[:12]}"


def write_run(runs_dir: Path, folder: str, classes, seed: int, with_model: bool = True) -> Path:
    """A finished run folder as training leaves it (settings and, if ``with_model``, its best model)."""
    run = runs_dir / folder
    run.mkdir(parents=True)
    (run / "settings.json").write_text(json.dumps({"strategy": "scratch", "data": "somewhere"}))
    if with_model:
        write_model_file(run / "best.safetensors", classes, seed)
    return run


def use_model(settings, model: Path) -> None:
    """The model in use, as a previous session of the window left it in the settings."""
    settings.setValue("predictor/model_file", json.dumps(str(model)))
    settings.sync()


def start(qtbot, paths, name):
    """The window as ``catdog-gui PATH...`` opens it (without running the event loop for good)."""
    from catdog_gui.gui.app import start_window

    window = start_window(paths, name)
    assert window is not None, "no other window should be listening on a fresh name"
    window.ask_before_quitting = False
    qtbot.addWidget(window)
    return window


def rows(window) -> int:
    return window.predictor_panel.table.rowCount()


def test_photo_arguments_open_the_classify_step_with_the_model_in_use(qtbot, gui_settings, tmp_path,
                                                                      instance_name):
    model = write_model_file(tmp_path / "in-use.safetensors", ("apples", "pears"), seed=1)
    use_model(gui_settings, model)
    write_run(Path(os.environ["CATDOG_GUI_RUNS"]), "20990101-000000-scratch", ("cats", "dogs"), seed=2)
    photo = make_image(tmp_path / "new" / "one.png", 0, 1)
    folder = tmp_path / "more"
    for i in range(2):
        make_image(folder / f"{i}.png", 1, 10 + i)

    window = start(qtbot, [str(photo), str(folder)], instance_name)
    # At once, before the engine is loaded: the step the photos are for.
    assert window.stack.currentWidget() is window.predictor_panel
    qtbot.waitUntil(lambda: rows(window) == 3, timeout=ENGINE_TIMEOUT_MS + PREDICT_TIMEOUT_MS)
    panel = window.predictor_panel
    assert Path(panel.predictor.model_path) == model  # the model in use, not the newest run's
    assert [panel.table.item(r, 0).text() for r in range(3)] == ["one.png", "0.png", "1.png"]
    assert {panel.table.item(r, 1).text() for r in range(3)} <= {"apples", "pears"}
    assert window.model_dialog is None


def test_without_a_model_in_use_the_newest_run_s_best_model_is_used(window, qtbot, tmp_path):
    runs = Path(os.environ["CATDOG_GUI_RUNS"])
    write_run(runs, "20240101-090000-scratch", ("old", "older"), seed=3)
    newest_with_model = write_run(runs, "20240301-090000-scratch", ("lemons", "limes"), seed=4)
    write_run(runs, "20240401-090000-scratch", ("cats", "dogs"), seed=5, with_model=False)  # it failed early
    assert window.predictor_panel.predictor is None and not window.predictor_panel.model_file
    photo = make_image(tmp_path / "photo.png", 0, 7)

    window.open_paths([photo])
    qtbot.waitUntil(lambda: rows(window) == 1, timeout=PREDICT_TIMEOUT_MS)
    panel = window.predictor_panel
    assert Path(panel.predictor.model_path) == newest_with_model / "best.safetensors"
    assert panel.table.item(0, 1).text() in ("lemons", "limes")
    assert window.stack.currentWidget() is panel


def test_without_any_model_one_is_asked_for_and_the_photos_wait_for_it(window, qtbot, tmp_path):
    model = write_model_file(tmp_path / "picked.safetensors", ("cats", "dogs"), seed=6)
    photos = [make_image(tmp_path / f"{i}.png", i, 20 + i) for i in range(2)]

    window.open_paths(photos)
    dialog = window.model_dialog
    assert dialog is not None and dialog.isVisible()
    assert rows(window) == 0 and "no model yet" in window.predictor_panel.banner.text()
    window.open_paths([photos[0]])  # more photos meanwhile: asked once, not twice
    assert window.model_dialog is dialog

    dialog.selectFile(str(model))
    dialog.accept()
    qtbot.waitUntil(lambda: rows(window) == 3, timeout=PREDICT_TIMEOUT_MS)
    assert Path(window.predictor_panel.predictor.model_path) == model


def test_a_model_argument_opens_it_and_photos_given_with_it_are_classified_with_it(window, qtbot, tmp_path):
    first = write_model_file(tmp_path / "first.safetensors", ("cats", "dogs"), seed=8)
    with qtbot.waitSignal(window.predictor_panel.model_loaded, timeout=PREDICT_TIMEOUT_MS) as blocker:
        window.open_paths([first])
    assert Path(blocker.args[0]) == first and window.stack.currentWidget() is window.predictor_panel
    assert Path(window.model_path) == first

    second = write_model_file(tmp_path / "Second.SAFETENSORS", ("owls", "larks"), seed=9)
    photo = make_image(tmp_path / "bird.png", 1, 30)
    window.open_paths([photo, second])  # the model need not come first
    qtbot.waitUntil(lambda: rows(window) == 1, timeout=PREDICT_TIMEOUT_MS)
    assert Path(window.predictor_panel.predictor.model_path) == second
    assert window.predictor_panel.table.item(0, 1).text() in ("owls", "larks")


def test_two_model_arguments_are_refused_with_a_message(window, tmp_path):
    models = [write_model_file(tmp_path / f"{name}.safetensors", ("a", "b"), seed=1) for name in ("x", "y")]
    window.open_paths(models)
    assert window.error_box is not None and "x.safetensors" in window.error_box.text()
    assert window.predictor_panel.predictor is None


def test_a_folder_argument_opens_it_as_the_dataset(qtbot, gui_settings, tmp_path, instance_name):
    data = write_lecture_dataset(tmp_path / "photos")
    window = start(qtbot, [str(data)], instance_name)
    qtbot.waitUntil(lambda: window.data_panel.dataset is not None, timeout=20_000)
    assert Path(window.data_panel.dataset.root) == data
    assert window.stack.currentWidget() is window.data_panel
    assert rows(window) == 0 and window.model_dialog is None


def test_macos_asks_the_running_app_to_open_files_with_an_event(qtbot, gui_settings, tmp_path, instance_name):
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    window = start(qtbot, [], instance_name)
    data = write_lecture_dataset(tmp_path / "photos")
    with qtbot.waitSignal(window.data_panel.dataset_loaded, timeout=20_000) as blocker:
        QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(data)))
    assert Path(blocker.args[0].root) == data


# ---- the command line -----------------------------------------------------------------------------

def test_a_missing_path_exits_2_naming_it_and_opens_no_window(capsys, monkeypatch, tmp_path):
    from catdog_gui import cli
    from catdog_gui.gui import app

    opened = []
    monkeypatch.setattr(app, "run_window", lambda paths=(): opened.append(paths) or 0)
    photo = make_image(tmp_path / "here.png", 0, 1)
    missing = tmp_path / "gone.png"
    assert cli.main([str(photo), str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(missing) in err and "here.png" not in err
    assert opened == []


def test_a_missing_path_is_refused_without_importing_torch(tmp_path):
    code = ("import sys; from catdog_gui.cli import main; "
            f"code = main([{str(tmp_path / 'nope.jpg')!r}]); print(code, 'torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["2", "False"], done.stderr
    assert "nope.jpg" in done.stderr and "Traceback" not in done.stderr


def test_paths_reach_the_window_absolute_and_commands_and_options_still_work(capsys, monkeypatch, tmp_path):
    from catdog_gui import cli
    from catdog_gui.gui import app

    opened = []
    monkeypatch.setattr(app, "run_window", lambda paths=(): opened.append(paths) or 0)
    make_image(tmp_path / "a.png", 0, 1)
    (tmp_path / "train").mkdir()
    monkeypatch.chdir(tmp_path)
    assert cli.main(["a.png"]) == 0
    assert cli.main(["--", "train"]) == 0  # a folder named like a command
    assert opened == [[str(tmp_path / "a.png")], [str(tmp_path / "train")]]

    assert cli.window_paths(["info", "a.png"]) is None
    assert cli.window_paths(["--self-test"]) is None
    assert cli.window_paths(["a.png", "--json"]) is None  # a misplaced option: argparse explains
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0 and "[PATH ...]" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0 and "catdog-gui" in capsys.readouterr().out
    commands = next(a for a in cli.build_parser()._actions if a.dest == "command")
    assert set(cli.COMMAND_NAMES) == set(commands.choices)  # the list kept without importing torch


# ---- a single window --------------------------------------------------------------------------------

@pytest.fixture
def second_launch():
    """``second_launch(args, name, cwd)`` starts ``catdog-gui ARGS`` as a file manager would, while the
    test's window is open; one still running at the end (it opened a window of its own) is ended."""
    from catdog_gui.gui.single_instance import SERVER_NAME_VARIABLE

    started = []

    def launch(args, name, cwd) -> subprocess.Popen:
        env = dict(os.environ, **{SERVER_NAME_VARIABLE: name})
        process = subprocess.Popen([sys.executable, "-m", "catdog_gui", *args], cwd=cwd, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(process)
        return process

    yield launch
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def wait_for_exit(qtbot, launch: subprocess.Popen) -> int:
    """Runs the event loop (the window answers from it) until the second launch has ended."""
    qtbot.waitUntil(lambda: launch.poll() is not None, timeout=SECOND_LAUNCH_TIMEOUT_S * 1000)
    return launch.returncode


def test_a_second_launch_hands_its_photos_to_the_open_window_and_exits(qtbot, gui_settings, tmp_path,
                                                                       instance_name, second_launch):
    model = write_model_file(tmp_path / "in-use.safetensors", ("cats", "dogs"), seed=1)
    use_model(gui_settings, model)
    make_image(tmp_path / "later" / "photo.png", 1, 2)
    window = start(qtbot, [], instance_name)
    qtbot.waitUntil(lambda: window.predictor_panel.predictor is not None, timeout=ENGINE_TIMEOUT_MS)
    window.show_step(0)

    launch = second_launch(["photo.png"], instance_name, cwd=tmp_path / "later")  # a relative path
    assert wait_for_exit(qtbot, launch) == 0, launch.stderr.read()
    qtbot.waitUntil(lambda: rows(window) == 1, timeout=PREDICT_TIMEOUT_MS)
    assert window.predictor_panel.table.item(0, 0).toolTip() == str(tmp_path / "later" / "photo.png")
    assert window.stack.currentWidget() is window.predictor_panel

    # A launch without files only brings the open window back.
    window.showMinimized()
    assert window.isMinimized()
    launch = second_launch([], instance_name, cwd=tmp_path)
    assert wait_for_exit(qtbot, launch) == 0, launch.stderr.read()
    qtbot.waitUntil(lambda: not window.isMinimized(), timeout=5000)
    assert rows(window) == 1


def test_a_stale_socket_does_not_block_the_first_instance(qapp, instance_name):
    from PySide6.QtCore import QDir

    from catdog_gui.gui.single_instance import HandOver, hand_over, hand_over_or_serve

    if sys.platform == "win32":
        pytest.skip("named pipes leave no file behind")
    # What a crashed instance leaves: the socket file, with nobody listening on it.
    path = os.path.join(QDir.tempPath(), instance_name)
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(path)
    stale.close()
    assert os.path.exists(path)
    assert hand_over([], instance_name) is HandOver.NO_INSTANCE

    server = hand_over_or_serve([], instance_name)
    try:
        assert server is not None and server.listening
        probe = socket.socket(socket.AF_UNIX)
        probe.connect(path)  # someone listens on the name now
        probe.close()
    finally:
        server.close()
    assert not os.path.exists(path)


def test_the_server_takes_only_a_well_formed_message_and_answers_it(qtbot, instance_name):
    from PySide6.QtCore import QDir

    from catdog_gui.gui.single_instance import InstanceServer, encode_paths

    if sys.platform == "win32":
        pytest.skip("speaks to the Unix socket directly")
    server = InstanceServer(instance_name)
    assert server.listen()
    received = []
    server.paths_received.connect(received.append)
    try:
        for message, answer in ((b'{"paths": 3}\n', b"refused\n"), (encode_paths(["x.png"]), b"ok\n")):
            client = socket.socket(socket.AF_UNIX)
            client.connect(os.path.join(QDir.tempPath(), instance_name))
            client.sendall(message)
            client.setblocking(False)
            got = []
            qtbot.waitUntil(lambda: _receive(client, got) == answer, timeout=5000)
            client.close()
    finally:
        server.close()
    assert received == [[os.path.abspath("x.png")]]


def _receive(client: socket.socket, got: list) -> bytes:
    try:
        got.append(client.recv(100))
    except BlockingIOError:
        pass
    return b"".join(got)


def test_the_server_name_is_per_user_and_can_be_set(monkeypatch):
    from catdog_gui.gui.single_instance import SERVER_NAME_VARIABLE, server_name

    monkeypatch.delenv(SERVER_NAME_VARIABLE, raising=False)
    monkeypatch.setenv("USER", "alice")
    monkeypatch.setenv("LOGNAME", "alice")
    monkeypatch.setenv("HOME", "/home/alice")
    alice = server_name()
    monkeypatch.setenv("USER", "bob")
    monkeypatch.setenv("LOGNAME", "bob")
    monkeypatch.setenv("HOME", "/home/bob")
    bob = server_name()
    assert alice != bob and alice.startswith("catdog-gui-") and "alice" not in alice
    assert server_name() == bob  # the same user always reaches the same window
    monkeypatch.setenv(SERVER_NAME_VARIABLE, "catdog-gui-elsewhere")
    assert server_name() == "catdog-gui-elsewhere"
