"""The app's icon and the desktop files the packages install (the packages themselves are built and
checked by packaging/build.sh and packaging/smoke_test.sh, which take minutes)."""

from __future__ import annotations

import configparser
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

import render_icons


def test_the_window_gets_the_apps_icon_from_the_package(qapp):
    from catdog_gui.gui.app import DESKTOP_FILE_NAME, icon_path, make_application

    assert icon_path().is_file()
    assert icon_path().is_relative_to(ROOT / "catdog_gui")  # package data, not a file beside the checkout
    app = make_application()
    assert not app.windowIcon().isNull()
    assert not app.windowIcon().pixmap(48, 48).isNull()
    assert app.desktopFileName() == DESKTOP_FILE_NAME


def _alpha(image, x: int, y: int) -> int:
    return image.pixelColor(x, y).alpha()


def test_icons_are_rendered_at_every_size_with_transparent_corners(qapp, tmp_path):
    from PySide6.QtGui import QImage

    render_icons.hicolor(tmp_path)
    for size in render_icons.HICOLOR_SIZES:
        image = QImage(str(tmp_path / f"{size}x{size}" / "apps" / "catdog-gui.png"))
        assert (image.width(), image.height()) == (size, size)
        assert _alpha(image, 0, 0) == 0  # the rounded square's corner
        assert _alpha(image, size // 2, size // 2) == 255
    assert (tmp_path / "scalable" / "apps" / "catdog-gui.svg").read_bytes() == render_icons.ICON.read_bytes()


def test_macos_iconset_has_the_names_and_sizes_iconutil_wants(qapp, tmp_path):
    from PySide6.QtGui import QImage

    render_icons.iconset(tmp_path)
    for size in render_icons.ICONSET_SIZES:
        assert QImage(str(tmp_path / f"icon_{size}x{size}.png")).width() == size
        assert QImage(str(tmp_path / f"icon_{size}x{size}@2x.png")).width() == 2 * size


def test_windows_icon_holds_every_size(qapp, tmp_path):
    from PIL import Image

    out = tmp_path / "catdog-gui.ico"
    render_icons.ico(out)
    with Image.open(out) as icon:
        assert set(icon.info["sizes"]) == {(s, s) for s in render_icons.ICO_SIZES}
    assert list(tmp_path.iterdir()) == [out]  # the large PNG it starts from is not left behind


def test_desktop_entry_runs_the_installed_command_with_the_apps_icon():
    from catdog_gui.gui.app import DESKTOP_FILE_NAME

    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "packaging" / "linux" / "catdog-gui.desktop", encoding="utf-8")
    fields = entry["Desktop Entry"]
    scripts = {script.name for script in metadata.entry_points(group="console_scripts")
               if script.value.startswith("catdog_gui.")}
    assert fields["Type"] == "Application" and fields["Terminal"] == "false"
    assert fields["Exec"] in scripts  # the command the .deb puts on the PATH
    assert fields["Icon"] == DESKTOP_FILE_NAME == render_icons.ICON.stem
    assert fields["StartupWMClass"] == DESKTOP_FILE_NAME


@pytest.mark.parametrize("script", ["build.sh", "smoke_test.sh", "gpu_check.sh", "macos/build.sh"])
def test_build_scripts_stop_at_the_first_error(script):
    text = (ROOT / "packaging" / script).read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert (ROOT / "packaging" / script).stat().st_mode & 0o111  # executable
