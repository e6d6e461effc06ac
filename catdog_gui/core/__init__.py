"""The engine of catdog-gui, free of Qt: data, preprocessing, models, training, evaluation, prediction.

The command line, the tests and the window all drive these modules directly.
docs/ARCHITECTURE.md: the layers and data flow, the house rules, adding a recipe or a backbone.

Some of them load torch when imported (training, prediction, evaluation, export, device, backbones,
models...). The window must open without torch, so it imports only the torch-free ones at its module
top (names, records, runfiles, runs, paths, datasets, errors...) and reaches the others through this
package, as ``core.training.Training`` after ``from catdog_gui import core``: each is imported when it
is first used (in a worker thread, see gui/engine.py), not when the window's modules load.
"""

import importlib


def __getattr__(name: str):
    """A submodule of core that is not imported yet, imported now (PEP 562)."""
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise  # a module that the submodule itself needs is missing
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
