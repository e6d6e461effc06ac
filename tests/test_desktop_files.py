"""The Linux desktop integration files in resources/linux/: the desktop entry (menus, "Open with") and the
AppStream metainfo (software centres). Checked here with the standard library; the tests at the end also
run the freedesktop validators where they are installed (desktop-file-utils, appstream)."""

from __future__ import annotations

import ast
import configparser
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "resources" / "linux"
DESKTOP_FILE = LINUX / "catdog-gui.desktop"
COMPONENT_ID = "io.github.catdog_gui.catdog_gui"
METAINFO = LINUX / f"{COMPONENT_ID}.metainfo.xml"
# Where the metainfo's screenshot URLs point: files of this repository on GitHub.
RAW_PREFIX = "https://raw.githubusercontent.com/catdog-gui/catdog-gui/"
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/bmp", "image/gif", "image/tiff"}


def desktop_entry() -> configparser.SectionProxy:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    assert entry.read(DESKTOP_FILE, encoding="utf-8") == [str(DESKTOP_FILE)]
    return entry["Desktop Entry"]


def metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def project_version() -> str:
    """pyproject.toml's version: [project] version, or the module attribute its dynamic version names
    (read from the source, as setuptools does, without importing the package)."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and newer
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    if "version" in project:
        return project["version"]
    assert "version" in project.get("dynamic", []), "pyproject.toml has no version"
    attr = pyproject["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    module, _, name = attr.rpartition(".")
    path = ROOT.joinpath(*module.split("."))
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{source} does not set {name}")


def test_desktop_entry_opens_any_number_of_files_with_the_command_on_the_path():
    fields = desktop_entry()
    command, *arguments = fields["Exec"].split()
    assert command == "catdog-gui"
    assert arguments == ["%F"]  # a list of local files (and folders), not URLs
    assert fields["Type"] == "Application"


def test_desktop_entry_offers_to_open_the_six_image_formats():
    mime_types = desktop_entry()["MimeType"]
    assert mime_types.endswith(";")  # a list: every item ends with a semicolon
    listed = [item for item in mime_types.split(";") if item]
    assert len(listed) == len(set(listed))
    assert set(listed) == IMAGE_TYPES


def test_metainfo_names_the_desktop_entry_as_its_launchable():
    root = metainfo()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == COMPONENT_ID
    assert METAINFO.name == f"{root.findtext('id')}.metainfo.xml"  # installed under the id's name
    launchables = root.findall("launchable")
    assert [(item.get("type"), item.text) for item in launchables] == [("desktop-id", DESKTOP_FILE.name)]


def test_metainfo_has_what_software_centres_show():
    root = metainfo()
    for tag in ("name", "summary", "metadata_license", "project_license", "description", "content_rating"):
        assert root.find(tag) is not None, tag
    assert root.findtext("project_license") == "Apache-2.0"
    assert root.findtext("metadata_license") in ("CC0-1.0", "FSFAP")
    assert root.findtext("url[@type='homepage']").startswith("https://")
    assert [binary.text for binary in root.findall("provides/binary")] == [desktop_entry()["Exec"].split()[0]]
    summary = root.findtext("summary")
    assert len(summary) <= 80 and not summary.endswith(".")  # AppStream's rules for a summary


def test_metainfo_newest_release_is_the_projects_version():
    releases = metainfo().findall("releases/release")
    assert releases, "no <release>"
    newest = releases[0]  # AppStream lists releases newest first
    assert newest.get("version") == project_version()
    assert newest.get("date") or newest.get("timestamp")


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_every_screenshot_is_a_file_of_this_repository_of_the_stated_size():
    screenshots = metainfo().findall("screenshots/screenshot")
    assert screenshots
    assert [shot.get("type") for shot in screenshots].count("default") == 1
    for shot in screenshots:
        images = shot.findall("image")
        assert images and shot.findtext("caption")
        for image in images:
            url = image.text.strip()
            assert url.startswith(RAW_PREFIX), url
            _branch, _, path = url.removeprefix(RAW_PREFIX).partition("/")
            local = ROOT / path
            assert local.is_file(), f"{url}: no {path} in the repository"
            assert png_size(local) == (int(image.get("width")), int(image.get("height"))), path


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed")
def test_desktop_file_validate_accepts_the_entry():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower(), result.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream is not installed")
def test_appstreamcli_validates_the_metainfo_and_the_installed_tree(tmp_path):
    result = subprocess.run(["appstreamcli", "validate", "--no-net", "--pedantic", str(METAINFO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # As the .deb lays them out, so that the launchable is checked against the desktop file too.
    share = tmp_path / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir()
    shutil.copy(DESKTOP_FILE, share / "applications")
    shutil.copy(METAINFO, share / "metainfo")
    result = subprocess.run(["appstreamcli", "validate-tree", "--no-net", "--pedantic", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
