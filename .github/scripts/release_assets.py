"""Gather the build jobs' artifacts into one GitHub release: the files, one SHA256SUMS, and release notes.

    python .github/scripts/release_assets.py ARTIFACTS OUT --version 0.1.0 --notes notes.md

ARTIFACTS holds one folder per build job (actions/download-artifact without merge-multiple), each with the
installers packaging/build.py made and its SHA256SUMS, sizes.txt and signing.txt. What it does:

- checks every file against its job's SHA256SUMS (so a damaged transfer stops the release);
- moves the files into OUT (same file system: no copies), and writes OUT/SHA256SUMS over all of them;
- splits a file over GitHub's limit for one release file (under 2 GiB each) into FILE.part1, FILE.part2, ...
  (SHA256SUMS lists both the whole file, to check after joining the parts, and each part);
- writes the release notes: the downloads, which files are unsigned (from each job's signing.txt), how to
  join split files and check the checksums.

Standard library only (with packaging/build.py's checksum and size helpers); Python 3.9 or newer.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))
from build import human, sha256  # noqa: E402 (the same checksums and sizes as the build's own records)

RECORDS = ("SHA256SUMS", "sizes.txt", "signing.txt")  # each job's own records, not release files
GITHUB_LIMIT = 2 * 1024**3  # "Each file included in a release must be under 2 GiB"
PART_SIZE = 2000 * 1024**2  # parts comfortably under the limit
SYSTEMS = (("linux", "Linux"), ("windows", "Windows"), ("macos", "macOS"))


class ReleaseError(Exception):
    pass


def read_sums(path: Path) -> dict[str, str]:
    """name -> checksum from a sha256sum-style file ("HASH  NAME" or "HASH *NAME")."""
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            checksum, name = line.split(maxsplit=1)
            sums[name.lstrip("*")] = checksum.lower()
    return sums


def read_signing(path: Path) -> dict[str, str]:
    """name -> state from signing.txt ("NAME: STATE" a line)."""
    states = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, sep, state = line.partition(":")
            if sep and not line.startswith("#"):
                states[name.strip()] = state.strip()
    return states


def is_unsigned(state: str | None) -> bool:
    return state is None or bool(re.match(r"\s*(unsigned|not signed)\b", state, re.IGNORECASE))


def system_of(name: str) -> str:
    for key, title in SYSTEMS:
        if key in name.lower():
            return title
    return "other"


def split(path: Path, part_size: int) -> list[Path]:
    """FILE -> FILE.part1, FILE.part2, ... (the whole file removed); joined again with cat in name order."""
    count = -(-path.stat().st_size // part_size)
    width = len(str(count))
    parts = []
    with path.open("rb") as source:
        for number in range(1, count + 1):
            part = path.with_name(f"{path.name}.part{number:0{width}d}")
            with part.open("wb") as target:
                left = part_size
                while left:
                    block = source.read(min(left, 1 << 24))
                    if not block:
                        break
                    target.write(block)
                    left -= len(block)
            parts.append(part)
    path.unlink()
    return parts


def gather(artifacts: Path, out: Path, limit: int, part_size: int):
    """Move and check the files; returns (jobs, sums, splits) for the notes."""
    out.mkdir(parents=True, exist_ok=True)
    jobs = []  # (artifact name, [(file name, size, signing state)], sizes.txt text)
    sums: dict[str, str] = {}
    splits: dict[str, list[str]] = {}
    folders = sorted(folder for folder in artifacts.iterdir() if folder.is_dir())
    if not folders:
        raise ReleaseError(f"no artifacts in {artifacts}")
    for folder in folders:
        if not (folder / "SHA256SUMS").is_file():
            raise ReleaseError(f"{folder.name}: no SHA256SUMS (did packaging/build.py finish?)")
        expected = read_sums(folder / "SHA256SUMS")
        signing = read_signing(folder / "signing.txt")
        files = sorted(f for f in folder.iterdir() if f.is_file() and f.name not in RECORDS)
        if not files:
            raise ReleaseError(f"{folder.name}: no files to release")
        missing = sorted(set(expected) - {f.name for f in files})
        if missing:
            raise ReleaseError(f"{folder.name}: SHA256SUMS lists files the artifact lacks: {missing}")
        listed = []
        for file in files:
            checksum = sha256(file)
            if file.name in expected and expected[file.name] != checksum:
                raise ReleaseError(f"{folder.name}/{file.name}: checksum differs from the build's SHA256SUMS")
            if file.name in sums:
                raise ReleaseError(f"{file.name} comes from two build jobs")
            sums[file.name] = checksum
            size = file.stat().st_size
            listed.append((file.name, size, signing.get(file.name)))
            target = out / file.name
            file.replace(target)
            if size >= limit:
                parts = split(target, part_size)
                splits[file.name] = [part.name for part in parts]
                for part in parts:
                    sums[part.name] = sha256(part)
        sizes = (folder / "sizes.txt").read_text(encoding="utf-8") if (folder / "sizes.txt").is_file() else ""
        jobs.append((folder.name, listed, sizes))
    (out / "SHA256SUMS").write_text("".join(f"{sums[name]}  {name}\n" for name in sorted(sums)), encoding="utf-8")
    return jobs, sums, splits


def notes(version: str, repository: str, jobs, splits) -> str:
    lines = [f"catdog-gui {version}: installers for Linux, Windows and macOS, built by GitHub Actions from "
             f"this tag.", "", "| system | file | size | signature |", "|---|---|---|---|"]
    unsigned, not_notarised = [], []
    for job, listed, _ in jobs:
        for name, size, state in listed:
            shown = f"`{name}`" + (f" (in {len(splits[name])} parts, see below)" if name in splits else "")
            lines.append(f"| {system_of(job + ' ' + name)} | {shown} | {human(size)} | "
                         f"{state or 'unknown (not in signing.txt): treat as unsigned'} |")
            if is_unsigned(state):
                unsigned.append(name)
            elif state and re.search(r"not notari[sz]ed", state, re.IGNORECASE):
                not_notarised.append(name)
    lines += ["", "### Signatures", ""]
    if unsigned:
        lines.append("**These files are not signed:** " + ", ".join(f"`{name}`" for name in unsigned) + ".")
        if any(system_of(name) == "Windows" for name in unsigned):
            lines.append("Windows SmartScreen may warn before the unsigned installer runs (More info ▸ Run anyway).")
        if any(system_of(name) == "macOS" for name in unsigned):
            lines.append("macOS will not open the unsigned app by double-click the first time: right-click it "
                         "and choose Open.")
        if any(system_of(name) == "Linux" for name in unsigned):
            lines.append("The Linux packages carry no signature; check them against SHA256SUMS.")
    else:
        lines.append("Every file is signed.")
    if not_notarised:
        lines.append("Signed but **not notarised** by Apple: " + ", ".join(f"`{n}`" for n in not_notarised) + ".")
    lines += ["", "### Checking the downloads", "",
              "`SHA256SUMS` lists every file's SHA-256 checksum. In the folder you downloaded to:", "",
              "    sha256sum -c --ignore-missing SHA256SUMS          # Linux",
              "    shasum -a 256 -c --ignore-missing SHA256SUMS      # macOS", ""]
    if splits:
        lines += ["### Files in parts", "",
                  "GitHub takes no release file of 2 GiB or more, so these come in parts. Download every part, "
                  "join them, and check the result against SHA256SUMS:", ""]
        for name, parts in splits.items():
            lines.append(f"    cat {' '.join(parts)} > {name}")
        lines.append("")
    lines += ["<details><summary>What each build job recorded</summary>", ""]
    for job, _, sizes in jobs:
        if sizes:
            lines += [f"`{job}` sizes.txt:", "", "```", sizes.rstrip(), "```", ""]
    lines += ["</details>", ""]
    if repository:
        lines.append(f"Built by the release workflow of https://github.com/{repository}.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("artifacts", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--version", required=True)
    parser.add_argument("--notes", type=Path, required=True)
    parser.add_argument("--repository", default="", help="owner/name, for the notes")
    parser.add_argument("--limit", type=int, default=GITHUB_LIMIT, help="split files of this many bytes or more")
    parser.add_argument("--part-size", type=int, default=PART_SIZE)
    args = parser.parse_args(argv)
    if not 0 < args.part_size < args.limit:
        parser.error("--part-size must be positive and below --limit")
    try:
        jobs, sums, splits = gather(args.artifacts, args.out, args.limit, args.part_size)
    except ReleaseError as error:
        print(f"release_assets.py: {error}", file=sys.stderr)
        return 1
    args.notes.write_text(notes(args.version, args.repository, jobs, splits), encoding="utf-8")
    for name in sorted(sums):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
