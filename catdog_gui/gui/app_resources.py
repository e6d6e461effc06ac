"""Where the app's run-time files (its icon, its compiled translations) are.

The repository keeps one copy of each in its top-level ``resources/`` folder. A wheel and the frozen app
carry them inside the package, as ``catdog_gui/resources/`` (pyproject.toml maps the package
``catdog_gui.resources`` onto that folder; packaging/catdog-gui.spec collects the same files). A checkout
or an editable install has no such copy: its package sits beside ``resources/`` itself.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

FOLDER = "resources"  # the name inside the package (wheel, frozen app) and beside it (checkout)


def resource_path(relative: str) -> Path:
    """The file or folder ``relative`` (``"catdog-gui.svg"``, ``"translations"``) of the app's resources.

    Parameters
    ----------
    relative
        Its path under ``resources/``, with forward slashes.

    Returns
    -------
    Path
        The packaged copy when the package holds one (wheel, frozen app), else the checkout's (editable
        install, source tree). Either may not exist if the file is missing from both.
    """
    package = Path(str(resources.files("catdog_gui")))
    packaged = package / FOLDER / relative
    # The packaged copy first: beside an installed package is site-packages, where another distribution
    # may have put a folder of the same name.
    return packaged if packaged.exists() else package.parent / FOLDER / relative
