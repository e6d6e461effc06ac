"""The window: a PySide6 front end to :mod:`catdog_gui.core` (``catdog-gui`` with no arguments opens it).

docs/ARCHITECTURE.md: the layers (main window, panels, worker, core), the house rules, adding a panel.
"""
