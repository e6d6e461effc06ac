"""Where the app keeps its files (each can be moved with an environment variable)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Caches that may be deleted at any time: ``$CATDOG_GUI_CACHE`` or the user's cache folder."""
    if os.environ.get("CATDOG_GUI_CACHE"):
        return Path(os.environ["CATDOG_GUI_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "catdog-gui"


def default_runs_dir() -> Path:
    """Training runs (settings, metrics, models): ``$CATDOG_GUI_RUNS`` or ``~/catdog-gui/runs``."""
    if os.environ.get("CATDOG_GUI_RUNS"):
        return Path(os.environ["CATDOG_GUI_RUNS"])
    return Path.home() / "catdog-gui" / "runs"
