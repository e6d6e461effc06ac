"""Helpers shared by the benchmark scripts: machine description, timed child processes, results table."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "catsdogs"
RESULTS = ROOT / "bench" / "RESULTS.md"


def machine() -> str:
    """One line naming the CPU, cores and memory (and the GPU when torch sees one)."""
    cpu = platform.processor() or platform.machine()
    try:
        text = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"model name\s*:\s*(.*)", text).group(1).strip()
    except (OSError, AttributeError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return f"{cpu}, {cores} cores{memory}, Python {platform.python_version()}"


def subset(data: Path, per_class: int, out: Path) -> Path:
    """A lecture-layout copy of ``data`` (hard links) with ``per_class`` training photos per class."""
    counts = {"train": per_class, "validation": per_class // 2, "test": per_class // 2}
    for split, count in counts.items():
        for class_dir in sorted(p for p in (data / split).iterdir() if p.is_dir()):
            target = out / split / class_dir.name
            target.mkdir(parents=True, exist_ok=True)
            for photo in sorted(class_dir.iterdir())[:count]:
                try:
                    os.link(photo, target / photo.name)
                except OSError:
                    (target / photo.name).write_bytes(photo.read_bytes())
    return out


def made_up_dataset(root: Path, per_split=(1000, 500, 500), size=(400, 300), suffix=".jpg") -> Path:
    """Noise photos per class (class 0 reddish, class 1 bluish) in the lecture's layout: for speed and
    fault checks where the real photos are not at hand."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for split, count in zip(("train", "validation", "test"), per_split):
        for label, name in enumerate(("cats", "dogs")):
            folder = root / split / name
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                pixels = rng.integers(0, 120, (size[1], size[0], 3), dtype=np.uint8)
                pixels[..., 2 * label] += 120
                Image.fromarray(pixels).save(folder / f"{name}.{i}{suffix}", quality=90)
    return root


# The child reports its own peak memory after the command, on standard error.
CHILD = (
    "import resource, sys; from catdog_gui.cli import main; code = main(sys.argv[1:]); "
    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def run_cli(args: list[str], env: dict | None = None) -> dict:
    """Run ``catdog-gui ARGS --json`` in a child process; its JSON plus wall time and peak memory."""
    command = [sys.executable, "-c", CHILD, *args, "--json"]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, **(env or {})})
    stdout, stderr = child.communicate()
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({child.returncode}):\n{stderr[-2000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(wall, 1)
    result["peak_memory_mib"] = round(int(re.findall(r"PEAK_RSS_KB (\d+)", stderr)[-1]) / 1024)
    return result


def write_section(title: str, lines: list[str]) -> None:
    """Replace (or add) the section ``## title`` of RESULTS.md with ``lines``."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    section = f"## {title}\n\n" + "\n".join(lines).rstrip() + "\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    RESULTS.write_text(text)
