"""Whether a run folder is being written now, by this process, another one, or another machine.

While a run goes on its folder holds ``running.json``::

    {"host": "gpu-server", "pid": 4242, "started": 1767225600.0, "updated": 1767225660.0,
     "phase": "training", "epoch": "3/30"}

``started`` and ``updated`` are unix times; ``updated`` is rewritten every :data:`HEARTBEAT_SECONDS`
while batches go by, and the file is removed when the run ends (finished, stopped or failed). A
window can then list runs that the command line or ``torchrun`` on a server writes into a shared runs
folder. A process killed outright leaves the file behind: on its own machine its pid is gone, and
elsewhere its heartbeat grows old, and the run reads as interrupted.

Nothing here may break a run: a status file that cannot be written is skipped silently (a runs folder
that cannot be written is reported by the run itself).
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError
from .files import write_atomically

STATUS_FILE = "running.json"
HEARTBEAT_SECONDS = 10.0
# Another machine's run is taken as gone after this long without a heartbeat. Generous: a long
# validation between two batches writes no heartbeat, and the two machines' clocks may differ a little.
STALE_SECONDS = 300.0
# On this machine a live pid says the run goes on; a pid reused after a crash or a reboot must not keep
# a dead run "running" for ever, so a heartbeat this old means interrupted here too.
SAME_HOST_STALE_SECONDS = 3600.0

RUNNING = "running"
INTERRUPTED = "interrupted"
FINISHED = "finished"  # no process writes it (ended normally or stopped; see paths.can_resume)

# Per run folder: when this process last wrote its status file, and what it wrote.
_written: dict[str, tuple[float, dict]] = {}


@dataclass(frozen=True)
class RunStatus:
    """What a run folder's ``running.json`` says."""

    host: str
    pid: int
    started: float
    updated: float
    phase: str = ""
    epoch: str = ""

    @property
    def on_this_host(self) -> bool:
        return self.host == socket.gethostname()

    @property
    def in_this_process(self) -> bool:
        return self.on_this_host and self.pid == os.getpid()

    def state(self, now: float | None = None) -> str:
        """:data:`RUNNING` or :data:`INTERRUPTED`, from the pid (this host) or the heartbeat (another)."""
        age = (time.time() if now is None else now) - self.updated
        if self.on_this_host:
            alive = _pid_alive(self.pid) and age < SAME_HOST_STALE_SECONDS
        else:
            alive = age < STALE_SECONDS
        return RUNNING if alive else INTERRUPTED


# ---- the writing side (the process that owns the run folder)

def mark_running(run_dir: str | Path, phase: str = "", epoch: str = "") -> None:
    """Say that this process is writing ``run_dir`` from now on."""
    now = time.time()
    record = {"host": socket.gethostname(), "pid": os.getpid(), "started": now, "updated": now,
              "phase": phase, "epoch": epoch}
    _write(Path(run_dir), record)


def heartbeat(run_dir: str | Path, phase: str | None = None, epoch: str | None = None) -> None:
    """Say the run is still alive; cheap enough for every batch (the file is rewritten at most every
    :data:`HEARTBEAT_SECONDS`). Does nothing for a run this process did not mark running."""
    key = str(run_dir)
    if key not in _written:
        return
    last, record = _written[key]
    if phase is not None:
        record["phase"] = phase
    if epoch is not None:
        record["epoch"] = epoch
    if time.monotonic() - last < HEARTBEAT_SECONDS:
        return
    record["updated"] = time.time()
    _write(Path(run_dir), record)


def mark_ended(run_dir: str | Path) -> None:
    """Say the run is over (whatever way it ended). Only a run this process marked running: a run that
    failed before it started must not remove the status file of another process writing that folder."""
    if _written.pop(str(run_dir), None) is None:
        return
    try:
        (Path(run_dir) / STATUS_FILE).unlink(missing_ok=True)
    except OSError:
        pass


def _write(run_dir: Path, record: dict) -> None:
    """Replace the status file in one step, so a reader never sees half of it."""
    _written[str(run_dir)] = (time.monotonic(), record)
    try:
        write_atomically(run_dir / STATUS_FILE, lambda temp: Path(temp).write_text(json.dumps(record)))
    except UserError:
        pass  # a runs folder that cannot be written is reported by the run itself


# ---- the reading side (anyone watching the runs folder)

def read_status(run_dir: str | Path) -> RunStatus | None:
    """The run's status file, or None where there is none (or it cannot be read or makes no sense)."""
    try:
        data = json.loads((Path(run_dir) / STATUS_FILE).read_text())
        return RunStatus(host=str(data["host"]), pid=int(data["pid"]), started=float(data["started"]),
                         updated=float(data["updated"]), phase=str(data.get("phase") or ""),
                         epoch=str(data.get("epoch") or ""))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def run_state(run_dir: str | Path, now: float | None = None) -> str:
    """:data:`RUNNING`, :data:`INTERRUPTED` (a status file left by a dead process) or :data:`FINISHED`."""
    status = read_status(run_dir)
    return FINISHED if status is None else status.state(now)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_pid_alive(pid)  # os.kill(pid, 0) would end the process there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return False
    return True


def _windows_pid_alive(pid: int) -> bool:
    import ctypes

    query_limited_information, still_active, access_denied = 0x1000, 259, 5
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return ctypes.get_last_error() == access_denied  # another user's process
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == still_active
    finally:
        kernel32.CloseHandle(handle)
