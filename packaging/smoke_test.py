"""Check what packaging/build.py made, as a user gets it: no network, an empty home folder.

    python packaging/smoke_test.py            (after build.py; the same --venv and --flavour)

1. The bundle: the run-time files of resources/ inside it (the icon, each compiled catalogue);
   ``--version``; ``--self-test`` (the window offscreen, training through the worker, a dropped
   photo), also in Spanish; the command line: train with the built-in EfficientNet-Lite0 weights, predict, export ONNX,
   torch.export (.pt2) and TorchScript, train with the built-in Lite1 and Lite2 weights; nothing downloaded; with a window open, a
   second launch hands its photo over. On Linux's CUDA build, torch's CUDA libraries all resolve inside
   the bundle.
2. The installer, installed or unpacked as a user would:
   - Linux: the .deb unpacked with dpkg-deb into a fresh folder (its files, the desktop entry and AppStream
     metainfo, validated when desktop-file-validate and appstreamcli are there, ``--self-test`` through the
     launcher on the PATH); the .tar.gz unpacked (the app starts);
   - Windows: setup.exe installed silently for the current user into a fresh folder (``--self-test`` with the
     installed console companion), then uninstalled;
   - macOS: the .dmg attached (``--self-test`` from the app inside it), then detached.

Exit status 0 only if all of it worked. The build environment's Python makes the test photos and reads
the exported files; the frozen app never uses it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build import APP, BUILD, DIST, METAINFO, ROOT, SYSTEM, BuildError, ask, default_flavour, say, venv_python

BUNDLE = DIST / APP
NO_NETWORK = "http://127.0.0.1:9"  # the discard port: every download fails at once
CUDA_LIBRARIES = ("libtorch_cuda.so", "libtorch_cuda_linalg.so", "libc10_cuda.so")
EXPORTS = {"onnx": ".onnx", "pt2": ".pt2", "torchscript": ".pt"}
CHECK_EXPORTS = """
import json, sys, zipfile
import onnx
model = onnx.load(sys.argv[1])
onnx.checker.check_model(model)
metadata = {p.key: p.value for p in model.metadata_props}
assert json.loads(metadata["classes"]) == ["cats", "dogs"], metadata
for archive in sys.argv[2:]:
    assert any(name.endswith("metadata.json") for name in zipfile.ZipFile(archive).namelist()), archive
"""


class SmokeTestFailed(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SmokeTestFailed(what)


def first_run_environment(work: Path) -> dict[str, str]:
    """An empty home with no caches or downloaded weights, and no way to reach the network."""
    home = work / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), USERPROFILE=str(home), XDG_CACHE_HOME=str(home / ".cache"),
               XDG_CONFIG_HOME=str(home / ".config"), TORCH_HOME=str(home / ".cache" / "torch"),
               QT_QPA_PLATFORM="offscreen", CATDOG_GUI_RUNS=str(work / "runs"),
               # platformdirs asks Windows itself for the cache folder, ignoring LOCALAPPDATA
               CATDOG_GUI_CACHE=str(home / "cache"))
    if SYSTEM == "windows":
        env.update(LOCALAPPDATA=str(home / "AppData" / "Local"), APPDATA=str(home / "AppData" / "Roaming"))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env[name] = NO_NETWORK
    return env


class Checker:
    """The checks, sharing the work folder, the environment and the build's Python."""

    def __init__(self, work: Path, python: Path):
        self.work, self.python = work, python
        self.env = first_run_environment(work)
        self.version = ask(python, "from importlib.metadata import version; print(version('catdog-gui'))")

    def app(self, executable: Path, *args, what: str, **kwargs) -> subprocess.CompletedProcess:
        result = subprocess.run([str(executable), *map(str, args)], env=self.env, **kwargs)
        check(result.returncode == 0, f"{what} (exit {result.returncode})")
        return result

    def starts(self, executable: Path, what: str) -> None:
        out = self.app(executable, "--version", what=what, capture_output=True, text=True).stdout.strip()
        check(out == f"catdog-gui {self.version}", f"{what}: --version says {out!r}, not catdog-gui {self.version}")

    def python_check(self, code: str, *args, what: str) -> None:
        result = subprocess.run([str(self.python), "-c", code, *map(str, args)])
        check(result.returncode == 0, what)

    # ---- the bundle

    def bundle(self, command: Path, flavour: str) -> None:
        say("bundle: --version and --self-test")
        self.resources_inside()
        self.starts(command, "the bundle")
        self.app(command, "--self-test", what="the bundle's --self-test")
        self.self_test_in_spanish(command)
        if SYSTEM == "linux" and flavour == "cuda":
            self.cuda_libraries_inside()
        self.command_line(command)
        self.second_launch_hands_over(window_program())

    def resources_inside(self) -> None:
        """The icon and every compiled catalogue of resources/, where the app looks in a frozen build."""
        packaged = BUNDLE / "_internal" / "catdog_gui" / "resources"
        wanted = [Path("catdog-gui.svg")] + [Path("translations") / qm.name
                                             for qm in (ROOT / "resources" / "translations").glob("*.qm")]
        missing = [str(path) for path in wanted if not (packaged / path).is_file()]
        check(not missing, f"the bundle lacks {', '.join(missing)} in {packaged}")

    def self_test_in_spanish(self, command: Path) -> None:
        """The window in Spanish: the app's catalogue and Qt's own are both in the bundle."""
        say("bundle: --self-test in Spanish")
        env = dict(self.env, LANG="es_ES.UTF-8", LANGUAGE="es")
        env.pop("LC_ALL", None)
        result = subprocess.run([str(command), "--self-test"], env=env, capture_output=True, text=True)
        print(result.stdout + result.stderr, file=sys.stderr)
        check(result.returncode == 0, f"the bundle's --self-test in Spanish (exit {result.returncode})")
        check("language es (qtbase_es.qm, catdog_gui_es.qm)" in result.stdout + result.stderr,
              "the bundle's --self-test in Spanish did not load both Spanish catalogues")

    def cuda_libraries_inside(self) -> None:
        say("bundle: torch's CUDA libraries resolve inside the bundle")
        for library in CUDA_LIBRARIES:
            linked = subprocess.run(["ldd", str(BUNDLE / "_internal" / "torch" / "lib" / library)],
                                    capture_output=True, text=True, check=True).stdout.splitlines()
            missing = [line for line in linked if "not found" in line]
            check(not missing, f"{library}: {missing}")
            outside = [line for line in linked if any(f"lib{p}" in line for p in ("cu", "nv", "nccl"))
                       and f"{BUNDLE}/_internal/" not in line]
            check(not outside, f"{library} takes CUDA libraries from outside the bundle: {outside}")

    def command_line(self, command: Path) -> None:
        say("bundle: the command line (train with the built-in Lite0 weights, predict, export)")
        photos = self.work / "photos"
        self.python_check("import sys; from pathlib import Path; from catdog_gui.gui.selftest import write_images; "
                          "write_images(Path(sys.argv[1]), size=64)", photos, what="making the test photos")
        trained = self.app(command, "train", photos, "--strategy", "feature-extraction", "--backbone",
                           "efficientnet-lite0", "--epochs", 1, "--batch-size", 8, "--json",
                           what="training with the built-in weights", stdout=subprocess.PIPE, text=True)
        model = Path(json.loads(trained.stdout.splitlines()[-1])["model"])
        check(model.is_file(), "training wrote no model file")
        predicted = self.app(command, "predict", model, photos / "test" / "dogs", "--json", what="predict",
                             stdout=subprocess.PIPE, text=True)
        predictions = json.loads(predicted.stdout.splitlines()[-1])["predictions"]
        check(len(predictions) == 4 and all(p["label"] in ("cats", "dogs") for p in predictions),
              f"predict's answers: {predictions}")
        exported = {fmt: self.work / f"model{suffix}" for fmt, suffix in EXPORTS.items()}
        for fmt, out in exported.items():
            self.app(command, "export", model, "--format", fmt, out, what=f"{fmt} export")
        self.python_check(CHECK_EXPORTS, *exported.values(), what="the exported files")
        for lite in ("efficientnet-lite1", "efficientnet-lite2"):
            say(f"bundle: training with the built-in {lite} weights")
            self.app(command, "train", photos, "--strategy", "feature-extraction", "--backbone", lite, "--epochs", 1,
                     "--image-size", 64, "--batch-size", 8, "--runs-dir", self.work / f"runs-{lite}", "--json",
                     what=f"training with the built-in {lite} weights", stdout=subprocess.DEVNULL)
        torch_home = Path(self.env["TORCH_HOME"])
        check(not (torch_home.exists() and any(torch_home.iterdir())), f"something was downloaded into {torch_home}")

    def second_launch_hands_over(self, program: Path) -> None:
        """With a window open, a second launch with a photo hands it over and exits at once (were the
        local socket missing from the bundle, it would open a second window and not return)."""
        say("bundle: a second launch hands its photo to the open window")
        env = dict(self.env, CATDOG_GUI_INSTANCE=f"catdog-smoke-{os.getpid()}")
        first = subprocess.Popen([str(program)], env=env)
        try:
            photo = next((self.work / "photos" / "test" / "cats").iterdir())
            deadline, handed_over = time.monotonic() + 120, False
            while not handed_over and time.monotonic() < deadline and first.poll() is None:
                time.sleep(2)  # the first window needs a moment before it listens
                try:
                    second = subprocess.run([str(program), str(photo)], env=env, timeout=20)
                    handed_over = second.returncode == 0
                except subprocess.TimeoutExpired:  # it opened a window of its own: not listening yet, or broken
                    pass
            check(first.poll() is None, f"the first window exited (status {first.returncode})")
            check(handed_over, "a second launch did not hand its photo to the open window")
        finally:
            first.kill()
            first.wait()

    # ---- Linux

    def linux_packages(self) -> None:
        deb = one_file(f"{APP}_{self.version}*_amd64.deb")
        say(f"deb: {deb.name} unpacked into a fresh folder")
        fields = subprocess.run(["dpkg-deb", "--field", deb, "Package", "Version", "Architecture", "Depends"],
                                capture_output=True, text=True, check=True).stdout
        print(fields, file=sys.stderr)
        root = self.work / "root"
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        share = root / "usr" / "share"
        for path in (root / "opt" / APP / APP, share / "applications" / f"{APP}.desktop", share / "metainfo" / METAINFO,
                     share / "icons/hicolor/scalable/apps" / f"{APP}.svg", share / "icons/hicolor/48x48/apps" / f"{APP}.png",
                     share / "icons/hicolor/512x512/apps" / f"{APP}.png"):
            check(path.exists(), f"the .deb has no /{path.relative_to(root)}")
        launcher = root / "usr" / "bin" / APP
        check(launcher.resolve() == (root / "opt" / APP / APP).resolve(), f"/usr/bin/{APP} does not point at /opt/{APP}")
        self.validate_desktop_files(share)
        say("deb: --self-test through the launcher on the PATH")
        self.app(launcher, "--self-test", what="the unpacked .deb's --self-test")
        shutil.rmtree(root)

        tarball = one_file(f"{APP}-{self.version}-linux-x86_64*.tar.gz")
        say(f"tar.gz: {tarball.name} unpacked, and started")
        (self.work / "tar").mkdir()
        subprocess.run(["tar", "-C", self.work / "tar", "-xzf", tarball], check=True)
        self.starts(self.work / "tar" / f"{APP}-{self.version}" / APP, "the unpacked .tar.gz")

    def validate_desktop_files(self, share: Path) -> None:
        """The validators the Linux desktops' own tools use, where they are installed."""
        validators = [("desktop-file-validate", share / "applications" / f"{APP}.desktop"),
                      ("appstreamcli", "validate", "--no-net", share / "metainfo" / METAINFO)]
        for tool, *args in validators:
            if shutil.which(tool):
                result = subprocess.run([tool, *map(str, args)])
                check(result.returncode == 0, f"{tool} found errors in {Path(args[-1]).name}")
            else:
                print(f"smoke_test.py: {tool} is not installed; not validated", file=sys.stderr)

    # ---- Windows

    def windows_installer(self) -> None:
        setup = one_file(f"{APP}-{self.version}-windows-x64-setup.exe")
        target = self.work / "installed"
        say(f"setup: {setup.name} installed silently for this user into {target}")
        self.app(setup, "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER", f"/DIR={target}",
                 what="the silent per-user install")
        for name in (f"{APP}.exe", f"{APP}-cli.exe"):
            check((target / name).is_file(), f"the installer put no {name} in {target}")
        self.starts(target / f"{APP}-cli.exe", "the installed console companion")
        self.app(target / f"{APP}-cli.exe", "--self-test", what="the installed app's --self-test")
        self.app(target / "unins000.exe", "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", what="the uninstaller")
        deadline = time.monotonic() + 60  # the uninstaller finishes in a copy of itself, after it exits
        while (target / f"{APP}.exe").exists() and time.monotonic() < deadline:
            time.sleep(1)
        check(not (target / f"{APP}.exe").exists(), "the uninstaller left the program behind")

    # ---- macOS

    def macos_disk_image(self) -> None:
        dmg = one_file(f"{APP}-{self.version}-macos-arm64.dmg")
        mount = self.work / "volume"
        say(f"dmg: {dmg.name} attached at {mount}")
        subprocess.run(["hdiutil", "attach", "-nobrowse", "-readonly", "-mountpoint", mount, dmg], check=True)
        try:
            check((mount / "Applications").is_symlink(), "the disk image has no link to /Applications")
            command = mount / f"{APP}.app" / "Contents" / "MacOS" / APP
            self.starts(command, "the app in the disk image")
            self.app(command, "--self-test", what="the disk image's app's --self-test")
        finally:
            subprocess.run(["hdiutil", "detach", mount], check=False)


def one_file(pattern: str) -> Path:
    found = sorted(DIST.glob(pattern))
    check(len(found) == 1, f"expected one {pattern} in {DIST}, found {[f.name for f in found]}: run build.py first")
    return found[0]


def bundle_command() -> Path:
    """The bundle's program that prints to a terminal: the console companion on Windows."""
    if SYSTEM == "windows":
        return BUNDLE / f"{APP}-cli.exe"
    if SYSTEM == "macos":
        return DIST / f"{APP}.app" / "Contents" / "MacOS" / APP
    return BUNDLE / APP


def window_program() -> Path:
    """The program a desktop starts: on Windows the windowed catdog-gui.exe."""
    return BUNDLE / f"{APP}.exe" if SYSTEM == "windows" else bundle_command()


def smoke_test(venv: Path, flavour: str) -> None:
    command = bundle_command()
    check(command.exists(), f"no {command}: run packaging/build.py first")
    python = venv_python(venv)
    check(python.exists(), f"no build environment at {venv}: run packaging/build.py first (or give --venv)")
    with tempfile.TemporaryDirectory(prefix="catdog-smoke.") as work:
        checker = Checker(Path(work), python)
        checker.bundle(command, flavour)
        {"linux": checker.linux_packages, "windows": checker.windows_installer,
         "macos": checker.macos_disk_image}[SYSTEM]()
    say("all packaging checks passed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=os.environ.get("CATDOG_BUILD_VENV") or BUILD / "venv",
                        help="the build environment build.py used")
    parser.add_argument("--flavour", choices=("cuda", "cpu", "pypi"), default=os.environ.get("CATDOG_FLAVOUR"),
                        help="the flavour build.py built")
    args = parser.parse_args(argv)
    try:
        smoke_test(args.venv, args.flavour or default_flavour())
    except (SmokeTestFailed, BuildError, subprocess.CalledProcessError) as error:
        print(f"smoke_test.py: FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
