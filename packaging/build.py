"""Build catdog-gui's installer for the system this runs on, from this checkout.

    python packaging/build.py                  a fresh build environment, the bundle, the installer(s)
    python packaging/build.py --venv DIR       reuse an existing environment (faster when iterating)
    python packaging/build.py --flavour cpu    Linux: PyTorch's CPU-only wheels (no CUDA; needs its index)

What it makes, in dist/:

- every system: the PyInstaller one-folder bundle, ``dist/catdog-gui/``;
- Linux: ``catdog-gui-<version>-linux-x86_64.tar.gz`` and ``catdog-gui_<version>_amd64.deb`` (dpkg-deb);
- Windows: ``catdog-gui-<version>-windows-x64-setup.exe`` (Inno Setup's ``iscc``), with its ``.bin``
  slices when the bundle is too large for one file;
- macOS: ``catdog-gui.app`` and ``catdog-gui-<version>-macos-arm64.dmg`` (``iconutil``, ``hdiutil``);
- ``SHA256SUMS``, ``sizes.txt`` (each file's size) and ``signing.txt`` (which files are signed).

Signing happens only where its secrets are given, as environment variables:

- Windows: ``CATDOG_SIGN_PFX`` (a .pfx file) and ``CATDOG_SIGN_PASSWORD``: signtool signs the two
  executables and the installer.
- macOS: ``CATDOG_APPLE_IDENTITY`` ("Developer ID Application: ..."): codesign signs the app and the disk
  image; with ``CATDOG_NOTARY_APPLE_ID``, ``CATDOG_NOTARY_PASSWORD`` and ``CATDOG_NOTARY_TEAM_ID`` too,
  notarytool notarises the disk image and stapler staples the ticket.

Then ``python packaging/smoke_test.py`` checks what was made. The versions the build installs are pinned
in one place, packaging/requirements-build.txt.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
LINUX_FILES = ROOT / "resources" / "linux"  # the desktop entry and the AppStream metainfo
BUILD = ROOT / "build" / "packaging"
DIST = ROOT / "dist"
APP = "catdog-gui"
PINS = PACKAGING / "requirements-build.txt"
TORCH_PACKAGES = ("torch", "torchvision")  # installed first, from PyTorch's index for the CPU flavour
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
SYSTEM = {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
MAINTAINER = os.environ.get("CATDOG_MAINTAINER", "catdog-gui maintainers <catdog-gui@localhost>")
DEB_COMPRESSION = os.environ.get("CATDOG_DEB_COMPRESSION", "-Zzstd -z3").split()
METAINFO = "io.github.catdog_gui.catdog_gui.metainfo.xml"
ISCC_PLACES = (r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe", r"C:\Program Files\Inno Setup 6\ISCC.exe")
DEB_DESCRIPTION = """\
Description: train an image classifier on your own photos by point and click
 catdog-gui teaches the computer to tell photos apart (cats from dogs, to
 begin with): choose a folder of photos, pick one of five training
 strategies, watch it learn, check how well it does, and classify new photos.
 It works offline: a pretrained network (EfficientNet-Lite0) is built in.
 An NVIDIA GPU is used when there is one; otherwise it trains on the CPU.
"""


class BuildError(Exception):
    """A step that cannot go on; its message says what to do."""


def say(text: str) -> None:
    print(f"\n== {text} ({time.strftime('%H:%M:%S')})", file=sys.stderr, flush=True)


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    """Run a command, stopping the build with its name when it fails."""
    command = [str(part) for part in command]
    result = subprocess.run(command, **kwargs)
    if result.returncode != 0:
        raise BuildError(f"{Path(command[0]).name} {' '.join(command[1:3])}... failed (exit {result.returncode})")
    return result


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if SYSTEM == "windows" else "bin/python")


def read_pins() -> tuple[list[str], list[str]]:
    """(torch and torchvision, everything else) from the one file that pins the build's versions."""
    lines = [line.split("#")[0].strip() for line in PINS.read_text(encoding="utf-8").splitlines()]
    pins = [line for line in lines if line]
    torch = [pin for pin in pins if pin.split("==")[0] in TORCH_PACKAGES]
    return torch, [pin for pin in pins if pin not in torch]


# ---- the build environment -------------------------------------------------------------------------

def fresh_environment(venv: Path, flavour: str) -> Path:
    """A new virtual environment holding the pinned torch, this checkout and PyInstaller."""
    say(f"making a fresh build environment in {venv}")
    shutil.rmtree(venv, ignore_errors=True)
    run(sys.executable, "-m", "venv", venv)
    python = venv_python(venv)
    pip = [python, "-m", "pip", "install", "-q"]
    run(*pip, "--upgrade", "pip")
    torch, others = read_pins()
    run(*pip, *(["--index-url", CPU_INDEX] if flavour == "cpu" else []), *torch)
    run(*pip, ROOT, *others)
    return python


def existing_environment(venv: Path) -> Path:
    """A given environment, with PyInstaller added and this checkout installed when it holds another copy."""
    python = venv_python(venv)
    if not python.exists():
        raise BuildError(f"--venv {venv} is not a virtual environment")
    say(f"using the existing environment {venv}")
    _, others = read_pins()
    if subprocess.run([python, "-c", "import PyInstaller"], capture_output=True).returncode:
        run(python, "-m", "pip", "install", "-q", *others)
    installed = subprocess.run(
        [python, "-c", "import catdog_gui, os; print(os.path.dirname(os.path.dirname(catdog_gui.__file__)))"],
        capture_output=True, text=True).stdout.strip()
    if Path(installed or ".").resolve() != ROOT:  # an editable install already is this checkout
        run(python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", ROOT)
    return python


def ask(python: Path, code: str) -> str:
    return run(python, "-c", code, capture_output=True, text=True).stdout.strip()


# ---- the bundle ----------------------------------------------------------------------------------

def render_icon(python: Path) -> Path | None:
    """The icon file the executable carries: .ico on Windows, .icns on macOS, none on Linux."""
    if SYSTEM == "windows":
        ico = BUILD / "catdog-gui.ico"
        run(python, PACKAGING / "render_icons.py", "ico", ico)
        return ico
    if SYSTEM == "macos":
        iconset = BUILD / "catdog-gui.iconset"
        shutil.rmtree(iconset, ignore_errors=True)
        run(python, PACKAGING / "render_icons.py", "iconset", iconset)
        run("iconutil", "-c", "icns", iconset, "-o", BUILD / "catdog-gui.icns")
        return BUILD / "catdog-gui.icns"
    return None


def freeze(python: Path, icon: Path | None) -> Path:
    """dist/catdog-gui/ (and on macOS dist/catdog-gui.app) from packaging/catdog-gui.spec."""
    say("freezing with PyInstaller")
    shutil.rmtree(DIST / APP, ignore_errors=True)
    shutil.rmtree(DIST / f"{APP}.app", ignore_errors=True)
    env = dict(os.environ, CATDOG_ICON=str(icon or ""))
    run(python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--workpath", BUILD / "pyinstaller", "--distpath", DIST, PACKAGING / "catdog-gui.spec", env=env)
    executable = DIST / APP / (f"{APP}.exe" if SYSTEM == "windows" else APP)
    if not executable.exists():
        raise BuildError(f"PyInstaller made no {executable}")
    return DIST / APP


# ---- Linux ---------------------------------------------------------------------------------------

def linux_tarball(bundle: Path, version: str, suffix: str) -> Path:
    """The bundle in a folder named after the version, owned by root, for unpacking anywhere."""
    tarball = DIST / f"{APP}-{version}-linux-x86_64{suffix}.tar.gz"
    say(f"writing {tarball.name}")

    def as_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    part = tarball.with_name(tarball.name + ".part")
    with tarfile.open(part, "w:gz", compresslevel=6) as archive:
        archive.add(bundle, arcname=f"{APP}-{version}", filter=as_root)
    part.replace(tarball)
    return tarball


def linux_deb(bundle: Path, python: Path, version: str, flavour: str) -> Path:
    """The bundle under /opt, a command on the PATH, a menu entry, AppStream metainfo and icons."""
    deb_version = version + ("+cpu" if flavour == "cpu" else "")
    deb = DIST / f"{APP}_{deb_version}_amd64.deb"
    say(f"writing {deb.name}")
    package = BUILD / "deb"
    shutil.rmtree(package, ignore_errors=True)
    share = package / "usr" / "share"
    for folder in ("DEBIAN", "opt", "usr/bin", "usr/share/applications", "usr/share/metainfo",
                   f"usr/share/doc/{APP}"):
        (package / folder).mkdir(parents=True)
    copy_tree_linked(bundle, package / "opt" / APP)
    (package / "usr" / "bin" / APP).symlink_to(f"../../opt/{APP}/{APP}")  # relative: works unpacked anywhere
    shutil.copy(LINUX_FILES / f"{APP}.desktop", share / "applications" / f"{APP}.desktop")
    shutil.copy(LINUX_FILES / METAINFO, share / "metainfo" / METAINFO)
    run(python, PACKAGING / "render_icons.py", "hicolor", share / "icons" / "hicolor")
    (share / "doc" / APP / "copyright").write_text(
        f"catdog-gui {version}\nLicense: Apache-2.0\nBundles PyTorch, NVIDIA CUDA libraries, Qt (LGPLv3) and other\n"
        f"third-party software under their own licenses (see /opt/{APP}/_internal/*.dist-info).\n", encoding="utf-8")
    run("chmod", "-R", "u+rwX,go+rX,go-w", package)
    installed_kb = sum(f.lstat().st_size for f in package.rglob("*") if not f.is_dir()) // 1024
    (package / "DEBIAN" / "control").write_text(
        f"Package: {APP}\nVersion: {deb_version}\nArchitecture: amd64\nMaintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kb}\n"
        "Depends: libc6 (>= 2.35), libstdc++6 (>= 11), libexpat1, libgl1, libegl1, libxcb1, libxcb-icccm4, "
        "libxcb-keysyms1\nRecommends: fonts-dejavu-core | fonts-liberation2\nSection: science\nPriority: optional\n"
        + DEB_DESCRIPTION, encoding="utf-8")
    deb.unlink(missing_ok=True)
    run("dpkg-deb", "--root-owner-group", *DEB_COMPRESSION, "--build", package, deb, stdout=subprocess.DEVNULL)
    shutil.rmtree(package)
    return deb


def copy_tree_linked(source: Path, target: Path) -> None:
    """Copy a folder as hard links where the file system allows: no second copy of a 4 GB bundle."""
    try:
        shutil.copytree(source, target, symlinks=True, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=True)


# ---- Windows -------------------------------------------------------------------------------------

def find_iscc() -> str:
    found = shutil.which("iscc") or next((place for place in ISCC_PLACES if Path(place).exists()), None)
    if not found:
        raise BuildError("Inno Setup's iscc is needed: install Inno Setup 6 (https://jrsoftware.org/isinfo.php)")
    return found


def windows_installer(bundle: Path, version: str) -> list[Path]:
    """setup.exe (and .bin slices when the bundle outgrows one file) from packaging/windows/catdog-gui.iss."""
    say("writing the Windows installer with Inno Setup")
    sign_windows([bundle / f"{APP}.exe", bundle / f"{APP}-cli.exe"])
    stem = f"{APP}-{version}-windows-x64-setup"
    for old in DIST.glob(f"{stem}*"):
        old.unlink()
    run(find_iscc(), f"/DAppVersion={version}", PACKAGING / "windows" / "catdog-gui.iss", stdout=subprocess.DEVNULL)
    setup = DIST / f"{stem}.exe"
    sign_windows([setup])
    return [setup, *sorted(DIST.glob(f"{stem}-*.bin"))]


def sign_windows(files: list[Path]) -> None:
    certificate = os.environ.get("CATDOG_SIGN_PFX")
    if not certificate:
        return
    signtool = shutil.which("signtool") or "signtool"
    for file in files:
        run(signtool, "sign", "/f", certificate, "/p", os.environ.get("CATDOG_SIGN_PASSWORD", ""), "/fd", "sha256",
            "/tr", "http://timestamp.digicert.com", "/td", "sha256", file)


# ---- macOS ---------------------------------------------------------------------------------------

def macos_disk_image(version: str) -> list[Path]:
    """The .app, signed when an identity is given, in a .dmg with a link to /Applications."""
    app = DIST / f"{APP}.app"
    identity = os.environ.get("CATDOG_APPLE_IDENTITY")
    if identity:
        say("signing the app")
        run("codesign", "--force", "--deep", "--options", "runtime", "--timestamp", "--sign", identity, app)
    dmg = DIST / f"{APP}-{version}-macos-arm64.dmg"
    say(f"writing {dmg.name}")
    staging = BUILD / "dmg"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    run("cp", "-R", app, staging)  # cp keeps the bundle's symbolic links and signature intact
    (staging / "Applications").symlink_to("/Applications")
    dmg.unlink(missing_ok=True)
    make_disk_image(staging, dmg, f"catdog-gui {version}")
    shutil.rmtree(staging)
    if identity:
        run("codesign", "--sign", identity, "--timestamp", dmg)
        notarise(dmg)
    return [dmg]


def make_disk_image(folder: Path, dmg: Path, volume: str, attempts: int = 4) -> None:
    """hdiutil create, tried again after a pause: on busy build machines it fails now and then with
    "Resource busy" (a known hdiutil problem on hosted CI runners)."""
    for attempt in range(1, attempts + 1):
        if subprocess.run(["hdiutil", "create", "-volname", volume, "-srcfolder", str(folder), "-format", "UDZO",
                           str(dmg)]).returncode == 0:
            return
        dmg.unlink(missing_ok=True)
        time.sleep(10 * attempt)
    raise BuildError(f"hdiutil could not make {dmg.name} in {attempts} attempts")


def notary_account() -> list[str] | None:
    """Apple ID, app-specific password and team, when all three are given."""
    account = [os.environ.get(name, "") for name in
               ("CATDOG_NOTARY_APPLE_ID", "CATDOG_NOTARY_PASSWORD", "CATDOG_NOTARY_TEAM_ID")]
    return account if all(account) else None


def notarise(dmg: Path) -> None:
    account = notary_account()
    if not account:
        return
    say("notarising the disk image (minutes)")
    apple_id, password, team = account
    run("xcrun", "notarytool", "submit", dmg, "--apple-id", apple_id, "--password", password, "--team-id", team,
        "--wait")
    run("xcrun", "stapler", "staple", dmg)


def signing_state() -> str:
    """Whether this build signed what it made (the same for every file of one system)."""
    if SYSTEM == "windows":
        return "signed" if os.environ.get("CATDOG_SIGN_PFX") else "unsigned"
    if SYSTEM == "macos":
        if not os.environ.get("CATDOG_APPLE_IDENTITY"):
            return "unsigned"
        return "signed and notarised" if notary_account() else "signed, not notarised"
    return "unsigned (Linux packages carry no signature; SHA256SUMS lists their checksums)"


# ---- what was made -------------------------------------------------------------------------------

def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def human(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return ""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_summaries(bundle: Path, files: list[Path], flavour: str) -> None:
    """SHA256SUMS, sizes.txt and signing.txt beside the files, and the sizes on standard error."""
    (DIST / "SHA256SUMS").write_text("".join(f"{sha256(f)}  {f.name}\n" for f in files), encoding="utf-8")
    machine = f"{SYSTEM} {platform.machine()}, {flavour} build of PyTorch"
    sizes = [f"{human(folder_size(bundle))}\t{bundle.name}/ (the bundle, unpacked)"]
    sizes += [f"{human(f.stat().st_size)}\t{f.name}" for f in files]
    (DIST / "sizes.txt").write_text(f"# built on {machine}\n" + "\n".join(sizes) + "\n", encoding="utf-8")
    state = signing_state()
    (DIST / "signing.txt").write_text("".join(f"{f.name}: {state}\n" for f in files), encoding="utf-8")
    say("done")
    print("\n".join(sizes), file=sys.stderr)


def default_flavour() -> str:
    """Linux gets PyPI's CUDA build of torch; PyPI's Windows and macOS wheels are CPU (and Apple GPU) builds."""
    return "cuda" if SYSTEM == "linux" else "pypi"


def check_tools() -> None:
    needed = {"linux": ["dpkg-deb"], "macos": ["iconutil", "hdiutil", "codesign"], "windows": []}.get(SYSTEM)
    if needed is None:
        raise BuildError(f"no installer is made for {sys.platform}: Linux, Windows and macOS only")
    for tool in needed:
        if not shutil.which(tool):
            raise BuildError(f"{tool} is needed but not installed")
    if SYSTEM == "windows":
        find_iscc()


def build(venv: Path | None, flavour: str) -> list[Path]:
    check_tools()
    BUILD.mkdir(parents=True, exist_ok=True)
    DIST.mkdir(exist_ok=True)
    python = existing_environment(venv) if venv else fresh_environment(BUILD / "venv", flavour)
    version = ask(python, "from importlib.metadata import version; print(version('catdog-gui'))")
    say(f"catdog-gui {version} ({flavour}), torch {ask(python, 'import torch; print(torch.__version__)')}")
    bundle = freeze(python, render_icon(python))
    if SYSTEM == "linux":
        suffix = "-cpu" if flavour == "cpu" else ""
        files = [linux_tarball(bundle, version, suffix), linux_deb(bundle, python, version, flavour)]
    elif SYSTEM == "windows":
        files = windows_installer(bundle, version)
    else:
        files = macos_disk_image(version)
    write_summaries(bundle, files, flavour)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=os.environ.get("CATDOG_BUILD_VENV") or None,
                        help="use this existing virtual environment instead of a fresh one")
    parser.add_argument("--flavour", choices=("cuda", "cpu", "pypi"), default=os.environ.get("CATDOG_FLAVOUR"),
                        help="PyTorch's build: cuda (Linux default: PyPI's CUDA wheels), cpu (PyTorch's CPU-only "
                             "index, Linux), pypi (Windows and macOS default: PyPI's own wheels)")
    args = parser.parse_args(argv)
    try:
        build(args.venv, args.flavour or default_flavour())
    except BuildError as error:
        print(f"build.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
