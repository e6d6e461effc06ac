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


# Column headers shared by the scripts: one definition per name, stated in the header itself.
TRAIN_RATE = "train img/s (training batches only, median over epochs)"


def machine() -> str:
    """One line naming the CPU, cores, memory and Python, then the versions of torch, CUDA, driver and GPU."""
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
    return f"{cpu}, {cores} cores{memory}, Python {platform.python_version()}; {versions()}"


def versions() -> str:
    """The versions a measurement depends on: torch with the CUDA (or ROCm) it was built for, and the
    GPU with its driver where torch sees one.

    Returns
    -------
    str
        For instance ``"torch 2.11.0+cu130 (built for CUDA 13.0), GPU NVIDIA H100 80GB HBM3, driver
        580.159.04"`` or ``"torch 2.11.0+cpu, no GPU"``.
    """
    try:
        import torch
    except ImportError:
        return "torch not installed"
    parts = [f"torch {torch.__version__}"]
    if torch.version.cuda:
        parts[0] += f" (built for CUDA {torch.version.cuda})"
    if getattr(torch.version, "hip", None):
        parts[0] += f" (built for ROCm {torch.version.hip})"
    if not torch.cuda.is_available():
        return ", ".join([*parts, "no GPU"])
    count = torch.cuda.device_count()
    parts.append(f"GPU {torch.cuda.get_device_name(0)}" + (f" (x{count})" if count > 1 else ""))
    parts.append(f"driver {gpu_driver()}")
    return ", ".join(parts)


def gpu_driver() -> str:
    """The NVIDIA driver's version, from the kernel module or nvidia-smi (the app's own readers); "unknown"
    where neither says."""
    from catdog_gui.core import gpu_check

    gpus = gpu_check.parse_nvidia_smi(gpu_check.run_nvidia_smi())
    return (gpu_check.driver_from_proc(gpu_check.read_proc_driver_version())
            or (gpus[0].driver if gpus else None) or "unknown")


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


# Each generated section's text lies between these two lines; prose outside them is kept on a rewrite.
BEGIN = "<!-- generated by {script}: rerun it to update this part; put notes outside these markers -->"
END = "<!-- end of generated text -->"
GENERATED = re.compile(r"^<!-- generated by [^\n]*-->\n.*?^" + re.escape(END) + r"\n?", re.S | re.M)


def write_section(title: str, lines: list[str], *, script: str | None = None, results: Path | None = None) -> None:
    """Replace (or add) the generated text of the section ``## title`` of RESULTS.md with ``lines``.

    Parameters
    ----------
    title
        The section's heading, without the ``## ``.
    lines
        The new generated text, one string per line.
    script
        The script named in the begin marker; by default the one running (``sys.argv[0]``).
    results
        The file to write; by default bench/RESULTS.md.

    Notes
    -----
    Only the text between the begin and end markers is replaced: notes written by hand before or after
    them stay. A section without markers (written before they existed) is replaced as a whole.
    """
    results = results or RESULTS
    script = script or _running_script()
    block = BEGIN.format(script=script) + "\n" + "\n".join(lines).rstrip() + "\n" + END + "\n"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    found = pattern.search(text)
    if found is None:
        text = text.rstrip() + f"\n\n## {title}\n\n" + block
    else:
        body = found.group(0)
        generated = GENERATED.search(body)
        if generated:
            body = body[:generated.start()] + block + body[generated.end():]
        else:
            body = f"## {title}\n\n" + block + "\n"
        text = text[:found.start()] + body + text[found.end():]
    results.write_text(text)


def _running_script() -> str:
    """The running script's path, relative to the repository where it lies inside it."""
    path = Path(sys.argv[0]).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return path.name
