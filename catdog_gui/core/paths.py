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


# Decoded photos are kept on disk (the pixel cache) up to this many GB; past it a run decodes its photos
# every epoch instead. Each run's settings may change it.
DEFAULT_PIXEL_CACHE_GB = 20.0

# A run folder keeps this file only while the run is unfinished (stopped or interrupted): it is what
# ``--resume`` and the window's "Continue" start from, and it is removed when the run ends normally.
CHECKPOINT = "checkpoint.pt"


def can_resume(run_dir: str | Path) -> bool:
    """Whether a run folder holds an unfinished run that can be continued."""
    return (Path(run_dir) / CHECKPOINT).is_file()
