"""Where the app keeps its files: the system's own cache folder, unless an environment variable moves it."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest
from platformdirs import macos, unix, windows

from catdog_gui.core import paths


@pytest.fixture
def system(monkeypatch, tmp_path):
    """Pretend to be another system: ``system("windows" | "macos" | "linux")`` makes platformdirs answer
    as it would there, with the home folder (and Windows' local app data) under ``tmp_path``."""
    home = tmp_path / "home"
    monkeypatch.delenv("CATDOG_GUI_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))

    def become(name: str) -> Path:
        kind = {"windows": windows.Windows, "macos": macos.MacOS, "linux": unix.Unix}[name]
        monkeypatch.setattr(platformdirs, "PlatformDirs", kind)
        # Windows asks the system for its known folders; here that answer is made up.
        monkeypatch.setattr(windows, "get_win_folder", lambda csidl: str(home / "AppData" / csidl))
        return home

    return become


def test_linux_uses_xdg_cache_home_or_dot_cache(system, monkeypatch, tmp_path):
    home = system("linux")
    assert paths.cache_dir() == home / ".cache" / "catdog-gui"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert paths.cache_dir() == tmp_path / "xdg" / "catdog-gui"


def test_windows_uses_local_app_data(system):
    home = system("windows")
    assert paths.cache_dir() == home / "AppData" / "CSIDL_LOCAL_APPDATA" / "catdog-gui" / "Cache"


def test_macos_uses_library_caches(system):
    home = system("macos")
    assert paths.cache_dir() == home / "Library" / "Caches" / "catdog-gui"


@pytest.mark.parametrize("name", ["linux", "windows", "macos"])
def test_catdog_gui_cache_wins_everywhere_and_runs_stay_in_the_home_folder(system, monkeypatch, tmp_path, name):
    home = system(name)
    monkeypatch.setenv("CATDOG_GUI_CACHE", str(tmp_path / "mine"))
    monkeypatch.delenv("CATDOG_GUI_RUNS", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    assert paths.cache_dir() == tmp_path / "mine"
    assert paths.default_runs_dir() == home / "catdog-gui" / "runs"
