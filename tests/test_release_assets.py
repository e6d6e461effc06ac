"""The release job's gathering of the build jobs' files (.github/scripts/release_assets.py)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".github" / "scripts"))

import release_assets


def job(artifacts: Path, name: str, files: dict[str, bytes], signing: dict[str, str]) -> None:
    """One build job's artifact folder, as packaging/build.py leaves dist/."""
    folder = artifacts / name
    folder.mkdir(parents=True)
    for file, data in files.items():
        (folder / file).write_bytes(data)
    (folder / "SHA256SUMS").write_text("".join(f"{hashlib.sha256(d).hexdigest()}  {f}\n" for f, d in files.items()))
    (folder / "signing.txt").write_text("".join(f"{f}: {state}\n" for f, state in signing.items()))
    (folder / "sizes.txt").write_text("# built on test\n")


def run(artifacts: Path, out: Path, *extra: str) -> int:
    return release_assets.main([str(artifacts), str(out), "--version", "1.2.3", "--notes", str(out / "notes.md"),
                                *extra])


def test_a_large_file_is_split_into_parts_that_join_back(tmp_path):
    deb = bytes(range(256)) * 40  # 10,240 bytes: over the test's limit of 4,000
    job(tmp_path / "artifacts", "catdog-gui-linux-x86_64", {"catdog-gui_1.2.3_amd64.deb": deb},
        {"catdog-gui_1.2.3_amd64.deb": "unsigned (Linux packages carry no signature)"})
    out = tmp_path / "out"
    out.mkdir()
    assert run(tmp_path / "artifacts", out, "--limit", "4000", "--part-size", "3000") == 0
    parts = sorted(out.glob("catdog-gui_1.2.3_amd64.deb.part*"))
    assert len(parts) == 4 and not (out / "catdog-gui_1.2.3_amd64.deb").exists()
    assert b"".join(part.read_bytes() for part in parts) == deb
    sums = release_assets.read_sums(out / "SHA256SUMS")
    assert sums["catdog-gui_1.2.3_amd64.deb"] == hashlib.sha256(deb).hexdigest()  # to check after joining
    assert all(sums[part.name] == hashlib.sha256(part.read_bytes()).hexdigest() for part in parts)


def test_the_notes_name_every_unsigned_file(tmp_path):
    job(tmp_path / "artifacts", "catdog-gui-windows-x64", {"catdog-gui-1.2.3-windows-x64-setup.exe": b"setup"},
        {"catdog-gui-1.2.3-windows-x64-setup.exe": "unsigned"})
    job(tmp_path / "artifacts", "catdog-gui-macos-arm64", {"catdog-gui-1.2.3-macos-arm64.dmg": b"dmg"},
        {"catdog-gui-1.2.3-macos-arm64.dmg": "signed and notarised"})
    out = tmp_path / "out"
    out.mkdir()
    assert run(tmp_path / "artifacts", out) == 0
    notes = (out / "notes.md").read_text()
    unsigned = next(line for line in notes.splitlines() if "These files are not signed" in line)
    assert "windows-x64-setup.exe" in unsigned and "macos-arm64.dmg" not in unsigned
    assert "| Windows | `catdog-gui-1.2.3-windows-x64-setup.exe` | 5 bytes | unsigned |" in notes


def test_a_damaged_transfer_stops_the_release(tmp_path, capsys):
    job(tmp_path / "artifacts", "catdog-gui-windows-x64", {"catdog-gui-1.2.3-windows-x64-setup.exe": b"setup"},
        {"catdog-gui-1.2.3-windows-x64-setup.exe": "unsigned"})
    (tmp_path / "artifacts" / "catdog-gui-windows-x64" / "catdog-gui-1.2.3-windows-x64-setup.exe").write_bytes(b"bad")
    out = tmp_path / "out"
    out.mkdir()
    assert run(tmp_path / "artifacts", out) != 0
    assert "catdog-gui-1.2.3-windows-x64-setup.exe" in capsys.readouterr().err
