"""A run on several GPUs: ``catdog-gui train --settings FILE --gpus N`` as a child process of the window.

The window trains on one device in a worker thread. On several GPUs the run is the command line's
(torchrun, one process per GPU), so the window starts that command and lets go of the run: its run
folder is the interface, and the Runs step lists it as running elsewhere and draws its curves as
they grow (core/runstatus.py). :class:`ChildRun` starts the child, keeps the end of what it says on
standard error, and stops it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import deque

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from . import i18n

STOP_GRACE_MS = 5000  # after terminate(), kill() a child still there this much later
KEPT_LINES = 40  # the end of the child's standard error, the details of a failure
CLI_PREFIX = "catdog-gui: "  # how the command line starts its one-line messages


def child_command(settings_file: str, gpus: int, runs_dir: str) -> list[str]:
    """The command line of a run of ``settings_file`` on ``gpus`` GPUs that writes into ``runs_dir``.

    Parameters
    ----------
    settings_file : str
        A JSON file in the format of a run folder's settings.json.
    gpus : int
        CUDA GPUs to train on, one process each.
    runs_dir : str
        Where the run folder goes: the folder the Runs step shows.

    Returns
    -------
    list of str
        The program and its arguments. A frozen app (PyInstaller) has no ``python -m``: it is the
        command line itself.
    """
    program = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "catdog_gui"]
    return [*program, "train", "--settings", str(settings_file), "--gpus", str(gpus), "--runs-dir", str(runs_dir)]


def last_error_line(lines) -> str:
    """Why a child failed: the command line's own one-line message if it wrote one (torchrun adds its
    report after it), else the last line; without the ``catdog-gui:`` prefix."""
    lines = [line.strip() for line in lines if line.strip()]
    own = [line for line in lines if line.startswith(CLI_PREFIX)]
    return (own or lines or [""])[-1].removeprefix(CLI_PREFIX)


class ChildRun(QObject):
    """One training run in a child process, owned by the window.

    Signals
    -------
    ended(int, str)
        The child is gone: its exit code (-1 when it crashed, was stopped by a signal or did not
        start) and, when it failed (not stopped, exit code not 0), the line that says why.
    """

    ended = Signal(int, str)

    def __init__(self, settings, gpus: int, runs_dir, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.gpus = gpus
        self.runs_dir = str(runs_dir)
        self.stopping = False  # Stop was asked for: its end is no failure
        self.lines: deque[str] = deque(maxlen=KEPT_LINES)
        self._partial = ""
        self._settings_file: str | None = None
        self.process = QProcess(self)
        self.process.setStandardOutputFile(QProcess.nullDevice())  # progress and errors come on stderr
        self.process.readyReadStandardError.connect(self._on_process_ready_read_standard_error)
        self.process.finished.connect(self._on_process_finished)
        self.process.errorOccurred.connect(self._on_process_error_occurred)
        self._kill_timer = QTimer(self)
        self._kill_timer.setSingleShot(True)
        self._kill_timer.setInterval(STOP_GRACE_MS)
        self._kill_timer.timeout.connect(self._on_kill_timer_timeout)

    @property
    def running(self) -> bool:
        return self.process.state() != QProcess.ProcessState.NotRunning

    @property
    def details(self) -> str:
        """The end of what the child wrote on standard error."""
        return "\n".join(self.lines)

    def start(self) -> None:
        """Write the settings to a temporary file and start the child (it does not block)."""
        handle, self._settings_file = tempfile.mkstemp(prefix="catdog-gui-settings-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(self.settings.to_json())
        program, *arguments = child_command(self._settings_file, self.gpus, self.runs_dir)
        self.process.start(program, arguments)

    def stop(self, wait: bool = False) -> None:
        """Ask the child to end (terminate), and kill it if it is still there after a few seconds.
        Its run folder keeps an unfinished run that can be continued. With ``wait``, return only
        once it is gone (the window is closing)."""
        if not self.running:
            return
        self.stopping = True
        self.process.terminate()
        if not wait:
            self._kill_timer.start()
        elif not self.process.waitForFinished(STOP_GRACE_MS):
            self.process.kill()
            self.process.waitForFinished(STOP_GRACE_MS)

    def _on_kill_timer_timeout(self) -> None:
        if self.running:
            self.process.kill()

    def _on_process_ready_read_standard_error(self) -> None:
        text = self._partial + bytes(self.process.readAllStandardError()).decode(errors="replace")
        *complete, self._partial = text.replace("\r", "\n").split("\n")
        self.lines.extend(complete)

    def _on_process_finished(self, exit_code: int, exit_status) -> None:
        self._kill_timer.stop()
        self._on_process_ready_read_standard_error()
        if self._partial:  # a last line without its newline
            self.lines.append(self._partial)
            self._partial = ""
        code = exit_code if exit_status == QProcess.ExitStatus.NormalExit else -1
        message = ""
        if code != 0 and not self.stopping:
            # The command line's own message stays in English, as it wrote it.
            message = last_error_line(self.lines) or i18n.fill(
                self.tr("the training process ended with exit status %1"), code)
        self._end(code, message)

    def _on_process_error_occurred(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:  # no finished() follows
            self._end(-1, i18n.fill(self.tr("the training process could not start: %1"), self.process.errorString()))

    def _end(self, code: int, message: str) -> None:
        if self._settings_file is not None:  # every process has read it by now
            try:
                os.unlink(self._settings_file)
            except OSError:
                pass
            self._settings_file = None
        self.ended.emit(code, message)
