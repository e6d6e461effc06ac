"""The frozen app's entry point: the same as the ``catdog-gui`` console script."""

import multiprocessing
import os
import sys

from catdog_gui.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a no-op unless a library starts worker processes (Windows, macOS)
    # A windowed program on Windows has no standard streams: writes to them would fail, so they go nowhere
    # (catdog-gui-cli.exe, the console companion, is the one that prints).
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
    sys.exit(main())
