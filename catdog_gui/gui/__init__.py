"""The window: a PySide6 front end to :mod:`catdog_gui.core` (``catdog-gui`` with no arguments opens it)."""
