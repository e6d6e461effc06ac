"""Where the app keeps its files (each can be moved with an environment variable)."""

from __future__ import annotations

import os
from pathlib import Path

from .runfiles import CHECKPOINT  # noqa: F401 (a run folder's file names live in runfiles.py)

APP_NAME = "catdog-gui"


def cache_dir() -> Path:
    """Caches that may be deleted at any time: ``$CATDOG_GUI_CACHE``, else the system's cache folder.

    Returns
    -------
    Path
        ``$CATDOG_GUI_CACHE`` if set; else on Linux ``$XDG_CACHE_HOME/catdog-gui`` or
        ``~/.cache/catdog-gui``, on Windows ``%LOCALAPPDATA%\\catdog-gui\\Cache``, on macOS
        ``~/Library/Caches/catdog-gui`` (platformdirs knows each system's place).
    """
    if os.environ.get("CATDOG_GUI_CACHE"):
        return Path(os.environ["CATDOG_GUI_CACHE"])
    import platformdirs

    # appauthor=False: no "author" folder above the app's on Windows (%LOCALAPPDATA%\catdog-gui\Cache).
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def default_runs_dir() -> Path:
    """Training runs (settings, metrics, models): ``$CATDOG_GUI_RUNS`` or ``~/catdog-gui/runs``."""
    if os.environ.get("CATDOG_GUI_RUNS"):
        return Path(os.environ["CATDOG_GUI_RUNS"])
    return Path.home() / "catdog-gui" / "runs"


# Decoded photos are kept on disk (the pixel cache) up to this many GB; past it a run decodes its photos
# every epoch instead. Each run's settings may change it.
DEFAULT_PIXEL_CACHE_GB = 20.0


def can_resume(run_dir: str | Path) -> bool:
    """Whether a run folder holds an unfinished run that can be continued."""
    return (Path(run_dir) / CHECKPOINT).is_file()
