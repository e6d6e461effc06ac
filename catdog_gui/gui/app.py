"""Starting the window."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from .settings import APPLICATION, ORGANISATION

DESKTOP_FILE_NAME = "catdog-gui"  # the installed .desktop entry, which Wayland matches windows to


def icon_path() -> Path:
    """The app's icon, shipped inside the package so an installed or frozen app has it too."""
    return Path(str(resources.files("catdog_gui") / "resources" / "catdog-gui.svg"))


def make_application(argv: list[str] | None = None):
    """The QApplication (made once), named so that settings land in the app's own place."""
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
    return app


def run_window() -> int:
    """Open the main window and run until it is closed."""
    app = make_application()
    from .main_window import MainWindow

    window = MainWindow()
    window.show()
    return app.exec()
