"""The repository's resources/ folder and the run-time files taken from it (the icon, the compiled
translations): a wheel carries them inside the package, an editable install finds them in the checkout,
and the PyInstaller spec collects the same files as the wheel. Each install is made from a copy of the
checkout in a temporary folder and asked, in a fresh Python that sees nothing else of this project, where
the icon and the catalogues are."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
PACKAGED = "catdog_gui/resources/"  # where a wheel and the frozen app keep them
SOURCE_COPIED = ("pyproject.toml", "README.md", "catdog_gui", "resources")
# Asked in the fresh Python: which catdog_gui it imported, and where the app looks for its files.
WHERE = ("import json, catdog_gui; from catdog_gui.gui import app, i18n; print(json.dumps({"
         "'package': catdog_gui.__file__, 'icon': str(app.icon_path()), 'translations': str(i18n.translations_dir()),"
         "'languages': i18n.available_languages()}))")


def run_time_files() -> set[str]:
    """The files the app reads at run time, as paths under resources/."""
    found = {"catdog-gui.svg"} | {f"translations/{qm.name}" for qm in RESOURCES.glob("translations/catdog_gui_*.qm")}
    assert len(found) > 2, "no compiled catalogues in resources/translations"
    return found


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of what a wheel is built from, so that building writes nothing into the checkout."""
    copy = tmp_path_factory.mktemp("source")
    for name in SOURCE_COPIED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, copy / name)
    return copy


def ask_fresh_python(site: str, tmp_path: Path) -> dict:
    """``WHERE`` answered by a Python without this project on its path: only ``site`` (code that puts an
    install on the path), then the environment's packages (with no .pth file run, so not the environment's
    own install of catdog-gui, whose editable finder has the same module name)."""
    packages = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    code = f"import site, sys; {site}; sys.path += {packages!r}; {WHERE}"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env=dict(env, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_checkout_keeps_one_copy_of_each_resource():
    assert (RESOURCES / "catdog-gui.svg").is_file()
    assert (RESOURCES / "linux" / "catdog-gui.desktop").is_file()
    assert sorted(RESOURCES.glob("linux/*.metainfo.xml"))
    assert sorted(RESOURCES.glob("screenshots/*.png"))
    assert sorted(RESOURCES.glob("translations/*.ts"))
    assert not (ROOT / "catdog_gui" / "resources").exists()  # no second copy inside the package


def test_a_wheel_carries_the_run_time_files_and_the_app_finds_them_there(source, tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    str(source), "-w", str(tmp_path / "dist")], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("catdog_gui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert {name.removeprefix(PACKAGED) for name in names if name.startswith(PACKAGED)} == run_time_files()
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / "catdog_gui").rglob("*.py")}
    assert modules <= names, "a subpackage is missing from pyproject.toml's packages"

    site = tmp_path / "site"
    found = ask_fresh_python(f"sys.path.append({str(site)!r})", tmp_path)
    assert Path(found["package"]).is_relative_to(site)
    assert Path(found["icon"]) == site / PACKAGED / "catdog-gui.svg"
    assert Path(found["translations"]) == site / PACKAGED / "translations"
    assert len(found["languages"]) > 1


def test_an_editable_install_finds_them_in_the_checkouts_resources_folder(source, tmp_path):
    build = f"from setuptools import build_meta; build_meta.build_editable({str(tmp_path / 'dist')!r})"
    done = subprocess.run([sys.executable, "-c", build], cwd=source, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "dist").glob("catdog_gui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "site")

    found = ask_fresh_python(f"site.addsitedir({str(tmp_path / 'site')!r})", tmp_path)  # runs its .pth
    assert Path(found["package"]).is_relative_to(source / "catdog_gui")
    assert Path(found["icon"]) == source / "resources" / "catdog-gui.svg"
    assert Path(found["translations"]) == source / "resources" / "translations"
    assert len(found["languages"]) > 1


def test_the_frozen_app_collects_the_same_files_as_the_wheel():
    """packaging/catdog-gui.spec's RUN_TIME_RESOURCES, read without PyInstaller, names the run-time files."""
    spec = ast.parse((ROOT / "packaging" / "catdog-gui.spec").read_text(encoding="utf-8"))
    (listed,) = [node.value for node in spec.body if isinstance(node, ast.Assign)
                 and [target.id for target in node.targets if isinstance(target, ast.Name)] == ["RUN_TIME_RESOURCES"]]
    collected = set()
    for source_pattern, folder in eval(compile(ast.Expression(listed), "spec", "eval"), {"RESOURCES": RESOURCES}):
        assert folder.startswith(PACKAGED.rstrip("/"))
        for path in RESOURCES.glob(str(Path(source_pattern).relative_to(RESOURCES))):
            collected.add(f"{folder}/{path.name}".removeprefix(PACKAGED))
    assert collected == run_time_files()
