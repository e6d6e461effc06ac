"""The app's icon, the desktop files the packages install, and the build scripts' own logic (the packages
themselves are built and checked by packaging/build.py and packaging/smoke_test.py, which take minutes)."""

from __future__ import annotations

import configparser
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

import render_icons


def test_the_window_gets_the_apps_icon_from_the_resources_folder(qapp):
    from catdog_gui.gui.app import DESKTOP_FILE_NAME, icon_path, make_application

    # This checkout's one copy; a wheel's and the frozen app's are checked by test_resources.py.
    assert icon_path() == ROOT / "resources" / "catdog-gui.svg"
    assert icon_path().is_file()
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
    entry.read(ROOT / "resources" / "linux" / "catdog-gui.desktop", encoding="utf-8")
    fields = entry["Desktop Entry"]
    scripts = {script.name for script in metadata.entry_points(group="console_scripts")
               if script.value.startswith("catdog_gui.")}
    assert fields["Type"] == "Application" and fields["Terminal"] == "false"
    assert fields["Exec"].split()[0] in scripts  # the command the .deb puts on the PATH
    assert fields["Icon"] == DESKTOP_FILE_NAME == render_icons.ICON.stem
    assert fields["StartupWMClass"] == DESKTOP_FILE_NAME


@pytest.mark.parametrize("script", ["gpu_check.sh"])
def test_shell_scripts_stop_at_the_first_error(script):
    text = (ROOT / "packaging" / script).read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert (ROOT / "packaging" / script).stat().st_mode & 0o111  # executable


def test_the_build_pins_torch_apart_from_the_tools(tmp_path, monkeypatch):
    import build

    pins = tmp_path / "pins.txt"
    pins.write_text("# a comment\ntorch==9.1  # the engine\ntorchvision==9.2\n\npyinstaller==1.0\n")
    monkeypatch.setattr(build, "PINS", pins)
    assert build.read_pins() == (["torch==9.1", "torchvision==9.2"], ["pyinstaller==1.0"])


def test_the_real_pins_admit_the_projects_torch():
    import build

    torch, others = build.read_pins()
    assert [pin.split("==")[0] for pin in torch] == ["torch", "torchvision"]
    assert any(pin.startswith("pyinstaller==") for pin in others)
    assert metadata.version("torch").split("+")[0] == torch[0].split("==")[1]


def test_the_build_writes_checksums_sizes_and_signing_state(tmp_path, monkeypatch):
    import hashlib

    import build

    monkeypatch.setattr(build, "DIST", tmp_path)
    monkeypatch.setattr(build, "SYSTEM", "windows")
    monkeypatch.delenv("CATDOG_SIGN_PFX", raising=False)
    bundle = tmp_path / "catdog-gui"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "lib.bin").write_bytes(b"x" * 5000)
    setup = tmp_path / "catdog-gui-1.0-windows-x64-setup.exe"
    setup.write_bytes(b"installer" * 300)
    build.write_summaries(bundle, [setup], "pypi")
    sums = (tmp_path / "SHA256SUMS").read_text().splitlines()
    assert sums == [f"{hashlib.sha256(setup.read_bytes()).hexdigest()}  {setup.name}"]
    sizes = (tmp_path / "sizes.txt").read_text()
    assert "5.0 KB\tcatdog-gui/" in sizes and f"2.7 KB\t{setup.name}" in sizes
    assert "windows" in sizes.splitlines()[0]
    assert (tmp_path / "signing.txt").read_text() == f"{setup.name}: unsigned\n"


def test_the_macos_app_declares_the_photo_types_it_opens():
    spec = (ROOT / "packaging" / "catdog-gui.spec").read_text()
    for uti in ("public.jpeg", "public.png", "org.webmproject.webp", "com.microsoft.bmp", "com.compuserve.gif",
                "public.tiff"):
        assert f'"{uti}"' in spec


def test_the_smoke_test_starts_the_app_with_an_empty_home_and_no_network(tmp_path):
    import smoke_test

    env = smoke_test.first_run_environment(tmp_path)
    home = Path(env["HOME"])
    assert home.is_dir() and not any(home.iterdir())
    assert Path(env["TORCH_HOME"]).is_relative_to(home) and Path(env["XDG_CACHE_HOME"]).is_relative_to(home)
    assert all(env[name] == smoke_test.NO_NETWORK for name in ("HTTP_PROXY", "HTTPS_PROXY", "https_proxy"))
