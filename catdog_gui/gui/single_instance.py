"""One window per user: a later launch hands its files to the window already open, and exits.

Opening photos from a file manager starts ``catdog-gui PHOTO...`` each time; a second window (with its
own engine, a second copy of PyTorch in memory, and the same settings file written by both) is not
what people expect. So the first launch listens on a local socket (a Unix domain socket, or a named
pipe on Windows) and every later launch connects to it, sends its paths and exits at once.

The protocol is one line each way: the later launch sends ``{"paths": [...]}`` as JSON (UTF-8, absolute
paths: the two processes need not share a working folder) and a newline; the first one answers
``ok`` and a newline, and only then opens the paths, so that the later launch need not wait for that.

Only :func:`~catdog_gui.gui.app.run_window` uses this: tests and ``--self-test`` open windows freely.
"""

from __future__ import annotations

import enum
import getpass
import hashlib
import json
import os
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

# Names another server instead of the user's own (tests use a fresh one each, so that they neither
# reach nor disturb a window the user has open).
SERVER_NAME_VARIABLE = "CATDOG_GUI_INSTANCE"
CONNECT_TIMEOUT_MS = 1000
ANSWER_TIMEOUT_MS = 3000  # the open window answers from its event loop, which a busy moment may hold up
MAX_MESSAGE_BYTES = 4 * 1024 * 1024  # plenty for thousands of paths; a larger message is not from us
ACCEPTED_ANSWER = b"ok\n"
REFUSED_ANSWER = b"refused\n"


class HandOver(enum.Enum):
    """What became of a launch's attempt to hand its paths to a running instance."""

    ACCEPTED = "accepted"  # a running window took the paths: this launch is done
    NO_INSTANCE = "no instance"  # nothing listens on the name (none, or a socket file left by a crash)
    NO_ANSWER = "no answer"  # something listens but did not answer in time (hung, or not catdog-gui)


def server_name() -> str:
    """The local server name of this user's instance: ``$CATDOG_GUI_INSTANCE`` if set, else one made
    from a hash of the user name and home folder.

    Per user, because the name is machine-wide (a file in the temporary folder on Unix, a named pipe on
    Windows): two users on one machine must each get their own window, and neither may be able to remove
    the other's socket. Hashed, so that the user name is not shown in a world-readable folder.
    """
    override = os.environ.get(SERVER_NAME_VARIABLE, "").strip()
    if override:
        return override
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment nor the password database: the home folder tells
        user = ""
    owner = f"{user}\0{os.path.expanduser('~')}".encode("utf-8", "surrogatepass")
    return f"catdog-gui-{hashlib.sha256(owner).hexdigest()[:16]}"


def encode_paths(paths) -> bytes:
    """The message a later launch sends: the absolute paths as one line of JSON."""
    absolute = [os.path.abspath(str(path)) for path in paths]
    return json.dumps({"paths": absolute}).encode("utf-8", "surrogatepass") + b"\n"


def decode_paths(message: bytes) -> list[str] | None:
    """The paths in a message from a later launch; None if it is not such a message."""
    try:
        value = json.loads(message.decode("utf-8", "surrogatepass"))
    except ValueError:
        return None
    paths = value.get("paths") if isinstance(value, dict) else None
    if not isinstance(paths, list) or not all(isinstance(path, str) for path in paths):
        return None
    return paths


def hand_over(paths, name: str | None = None, timeout_ms: int = ANSWER_TIMEOUT_MS) -> HandOver:
    """As a later launch: send ``paths`` to the instance listening on ``name`` and wait for its answer.

    Parameters
    ----------
    paths
        Files and folders to open there (made absolute here).
    name
        The server's name; :func:`server_name` if None.
    timeout_ms
        How long to wait for the answer once connected.

    Returns
    -------
    HandOver
        ``ACCEPTED`` when the running window took the paths; otherwise why not.
    """
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return HandOver.NO_INSTANCE  # no server, or a stale socket file nobody listens on
    try:
        socket.write(encode_paths(paths))
        socket.waitForBytesWritten(timeout_ms)
        answer = _read_line(socket, timeout_ms)
    finally:
        socket.abort()
    return HandOver.ACCEPTED if answer == ACCEPTED_ANSWER else HandOver.NO_ANSWER


def _read_line(socket: QLocalSocket, timeout_ms: int) -> bytes:
    """What ``socket`` sends up to and with its first newline ('' if nothing came within the time)."""
    deadline = time.monotonic() + timeout_ms / 1000
    received = b""
    while b"\n" not in received:
        left_ms = int((deadline - time.monotonic()) * 1000)
        if left_ms <= 0 or not socket.waitForReadyRead(left_ms):
            return b""
        received += bytes(socket.readAll().data())
    return received[:received.index(b"\n") + 1]


class InstanceServer(QObject):
    """The first instance's end: receives the paths that later launches send.

    Signals
    -------
    paths_received(list)
        A later launch handed over these absolute paths (an empty list: it only wants the window shown).
    """

    paths_received = Signal(list)

    def __init__(self, name: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        # Only this user may connect: others must not be able to make this window open their files.
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def listen(self) -> bool:
        """Listen on the name; False if it is taken (by a running instance, or a stale socket file)."""
        return self._server.listen(self.name)

    def take_over(self) -> bool:
        """Remove what holds the name (call only once nothing answered on it) and listen on it."""
        QLocalServer.removeServer(self.name)
        return self.listen()

    def close(self) -> None:
        """Stop listening (on Unix this also removes the socket file)."""
        self._server.close()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(self._on_socket_ready_read)
            socket.disconnected.connect(self._on_socket_disconnected)
            if socket.bytesAvailable():  # data that came with the connection
                self._read(socket)

    def _on_socket_ready_read(self) -> None:
        self._read(self.sender())

    def _on_socket_disconnected(self) -> None:
        socket = self.sender()
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        if socket not in self._buffers:
            return  # answered already
        received = self._buffers[socket] + bytes(socket.readAll().data())
        if b"\n" not in received and len(received) <= MAX_MESSAGE_BYTES:
            self._buffers[socket] = received
            return
        del self._buffers[socket]
        paths = decode_paths(received.split(b"\n", 1)[0]) if b"\n" in received else None
        socket.write(ACCEPTED_ANSWER if paths is not None else REFUSED_ANSWER)
        socket.flush()
        socket.disconnectFromServer()
        if paths is not None:  # after the answer: the later launch exits without waiting for the window
            self.paths_received.emit(paths)


def hand_over_or_serve(paths, name: str | None = None) -> InstanceServer | None:
    """As a launch of the window: hand ``paths`` to the instance already running, or become it.

    Parameters
    ----------
    paths
        The files and folders this launch was asked to open.
    name
        The server's name; :func:`server_name` if None.

    Returns
    -------
    InstanceServer or None
        None when a running window took the paths (this launch is done). Otherwise the server of this
        launch, listening, which later launches will reach; or not listening, when something holds
        the name but did not answer: this window then opens on its own rather than take the name from
        an instance that may only be busy.
    """
    name = name or server_name()
    outcome = hand_over(paths, name)
    if outcome is HandOver.ACCEPTED:
        return None
    server = InstanceServer(name)
    if outcome is HandOver.NO_ANSWER or server.listen():
        return server
    # The name is taken though nobody answered a moment ago: another launch may just have started
    # listening (ask it), or a crashed instance left its socket file (remove it). (On Unix, Qt's
    # UserAccessOption binds in a private folder and renames the socket into place, replacing a
    # stale file itself; this is for where listen() does fail.)
    if hand_over(paths, name) is HandOver.ACCEPTED:
        return None
    server.take_over()
    return server
