"""The frozen app's entry point: the same as the ``catdog-gui`` console script."""

import multiprocessing
import sys

from catdog_gui.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a no-op unless a library starts worker processes (Windows, macOS)
    sys.exit(main())
