"""Starting the window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from . import i18n
from .app_resources import resource_path
from .settings import APPLICATION, ORGANISATION, open_settings

DESKTOP_FILE_NAME = "catdog-gui"  # the installed .desktop entry, which Wayland matches windows to


def icon_path() -> Path:
    """The app's icon: resources/catdog-gui.svg, packaged so that an installed or frozen app has it too."""
    return resource_path("catdog-gui.svg")


def make_application(argv: list[str] | None = None):
    """The QApplication (made once), named so that settings land in the app's own place, speaking the
    user's language (see :mod:`~catdog_gui.gui.i18n`)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("catdog-gui")
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(icon_path())))
    if i18n.language_in_use() is None:  # once, before any window: widgets take their texts when made
        i18n.use_language(i18n.chosen_language(open_settings()))
    return app


def run_window(paths=(), instance_name: str | None = None) -> int:
    """Open the main window on ``paths`` and run until it is closed; or, when this user's window is
    open already, hand ``paths`` to it and return 0 at once.

    Parameters
    ----------
    paths
        Files and folders to open (see :meth:`MainWindow.open_paths`); absolute, as a window started
        elsewhere may get them.
    instance_name
        The single-instance server's name (see :func:`single_instance.server_name`, the default).
    """
    app = make_application()
    window = start_window(paths, instance_name)
    if window is None:
        return 0
    return app.exec()


def start_window(paths=(), instance_name: str | None = None):
    """The window of this launch, shown and opening ``paths``; None if the window already open took them.

    The window owns the single-instance server, which hands it what later launches send while it is
    open; and it is handed the files macOS asks the running app to open.
    """
    from .single_instance import hand_over_or_serve

    server = hand_over_or_serve(paths, instance_name)
    if server is None:
        return None
    from .main_window import MainWindow  # only now: a launch that hands over exits without loading it

    window = MainWindow()
    server.setParent(window)  # listens as long as the window is open
    server.paths_received.connect(window.receive_paths)
    # Closed before the interpreter ends, which may skip destructors: that would leave a stale socket file.
    QCoreApplication.instance().aboutToQuit.connect(server.close)
    _forward_file_open_events(window)
    window.show()
    window.open_paths(paths)
    return window


class FileOpenForwarder(QObject):
    """Hands the window the files macOS asks the app to open (Finder's Open With, a drop on the Dock
    icon): there they come as events to the running app, not as arguments of a new launch."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.FileOpen and event.file():
            self.window.receive_paths([event.file()])
            return True
        return False


def _forward_file_open_events(window) -> None:
    from PySide6.QtWidgets import QApplication

    window.file_open_forwarder = FileOpenForwarder(window)  # an event filter must stay referenced
    QApplication.instance().installEventFilter(window.file_open_forwarder)
