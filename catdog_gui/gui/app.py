"""Starting the window."""

from __future__ import annotations

import sys

from .settings import APPLICATION, ORGANISATION


def make_application(argv: list[str] | None = None):
    """The QApplication (made once), named so that settings land in the app's own place."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("catdog-gui")
    return app


def run_window() -> int:
    """Open the main window and run until it is closed."""
    app = make_application()
    from .main_window import MainWindow

    window = MainWindow()
    window.show()
    return app.exec()
