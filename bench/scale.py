"""Scale: memory, decoding and training speed from 4 thousand to 100 thousand photos.

    python bench/scale.py [--sizes 4000,25000,100000] [--recipes scratch,feature-extraction,...]
                          [--steps-per-epoch 250] [--work DIR] [--distributed]

Data sets are made on the fly from the real photos (../shared/datasets/catsdogs): each new photo is a
random crop of one of them, sometimes mirrored, re-encoded at another JPEG quality, so that no two
have the same content (the caches key photos by content). They go to ``--work`` (not the repository)
and are reused by later runs of this script. Every run is one epoch through the command line, in a
child process whose anonymous and resident memory (``RssAnon`` and ``VmRSS`` of /proc/PID/status) are
sampled every 50 ms; each recipe starts with an empty cache (cold) and, with ``--warm``, runs a second
time with the cache it filled. ``--distributed`` also compares two gloo processes (torchrun) with one.
Writes the tables into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DATA, machine, write_section  # noqa: E402

CLASSES = {"cats": "cat", "dogs": "dog"}


# ---- made-up data sets ------------------------------------------------------------------------------

def _variant(job: tuple[str, str, int]) -> None:
    """One new photo from a real one: a random crop (70-100 % of each side), maybe mirrored, re-encoded."""
    from PIL import Image, ImageOps

    source, target, number = job
    rng = random.Random(number)
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        width, height = image.size
        w, h = int(width * rng.uniform(0.7, 1.0)), int(height * rng.uniform(0.7, 1.0))
        left, top = rng.randint(0, width - w), rng.randint(0, height - h)
        image = image.crop((left, top, left + w, top + h))
        if rng.random() < 0.5:
            image = ImageOps.mirror(image)
        image.save(target, quality=rng.randint(70, 95))


def make_photos(real: Path, total: int, out: Path) -> Path:
    """``out/<class>/`` with ``total`` photos in all, made from the real ones; kept for later runs."""
    done = out / ".complete"
    if done.exists() and done.read_text() == str(total):
        return out
    jobs = []
    for folder, prefix in CLASSES.items():
        sources = sorted(p for split in ("train", "validation", "test") for p in (real / split / folder).glob("*.jpg"))
        (out / folder).mkdir(parents=True, exist_ok=True)
        for i in range(total // len(CLASSES)):
            jobs.append((str(sources[i % len(sources)]), str(out / folder / f"{prefix}.{i}.jpg"), 2 * i + (prefix == "dog")))
    started = time.perf_counter()
    with Pool(os.cpu_count()) as pool:
        pool.map(_variant, jobs, chunksize=256)
    print(f"made {total} photos in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    done.write_text(str(total))
    return out


def linked_subset(source: Path, per_class: int, out: Path, flat: bool = False) -> Path:
    """The first ``per_class`` photos of each class of ``source`` as hard links: class folders, or one
    flat Kaggle-style folder (``cat.12.jpg``)."""
    if out.exists():
        shutil.rmtree(out)
    for folder in CLASSES:
        target = out if flat else out / folder
        target.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            name = f"{CLASSES[folder]}.{i}.jpg"
            os.link(source / folder / name, target / name)
    return out


# ---- measured runs -----------------------------------------------------------------------------------

def _status_kib(pid: int) -> dict[str, int]:
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("RssAnon", "VmRSS"):
                values[key] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return values


def _busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy since it started (all cores, from /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_sampled(command: list[str], env: dict) -> dict:
    """Run a ``--json`` command; its JSON plus wall time, the peak RssAnon and VmRSS of the process, and
    the share of the machine's cores that other processes used meanwhile (``others_cpu``: the machine's
    busy time less the run's own, over wall time x cores; above a few percent, timings are disturbed)."""
    busy, own = _busy_cpu_seconds(), _children_cpu_seconds()
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, **env})
    peaks = {"RssAnon": 0, "VmRSS": 0}
    while child.poll() is None:
        for key, value in _status_kib(child.pid).items():
            peaks[key] = max(peaks[key], value)
        time.sleep(0.05)
    stdout, stderr = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}):\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    result["peak_anon_mib"] = round(peaks["RssAnon"] / 1024)
    result["peak_resident_mib"] = round(peaks["VmRSS"] / 1024)
    others = (_busy_cpu_seconds() - busy) - (_children_cpu_seconds() - own)
    result["others_cpu"] = max(0.0, others) / (result["wall_seconds"] * (os.cpu_count() or 1))
    return result


def disk_mib(folder: Path) -> int:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20) if folder.exists() else 0


def train(data: Path, recipe: str, cache: Path, runs: Path, steps: int, prefix: list[str] | None = None) -> dict:
    command = (prefix or [sys.executable, "-m", "catdog_gui"]) + [
        "train", str(data), "--strategy", recipe, "--epochs", "1", "--runs-dir", str(runs), "--json"]
    if recipe == "fine-tuning":
        command += ["--head-epochs", "0"]
    if steps:
        command += ["--steps-per-epoch", str(steps)]
    return run_sampled(command, {"CATDOG_GUI_CACHE": str(cache)})


def row(photos: int, recipe: str, run: str, result: dict, cache: Path) -> str:
    per_photo = 1000 / result["train_images_per_second"] if result.get("train_images_per_second") else float("nan")
    train_photos = sum(result["counts"]["train"].values())
    return (f"| {photos:,} | {train_photos:,} | {recipe} | {run} | {result['reading']} | {result['peak_anon_mib']:,} "
            f"| {result['peak_resident_mib']:,} | {result['preparing_seconds']:.1f} | {per_photo:.2f} "
            f"| {disk_mib(cache):,} | {result['test_accuracy']:.3f} | {result['wall_seconds']:.0f} "
            f"| {100 * result['others_cpu']:.0f} % |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the real photos (lecture layout)")
    parser.add_argument("--sizes", default="4000,25000,100000")
    parser.add_argument("--recipes", default="scratch,feature-extraction,feature-extraction-augmented")
    parser.add_argument("--skip", default="100000:feature-extraction",
                        help="SIZE:RECIPE pairs not to run (feature extraction of 100,000 photos takes long here)")
    parser.add_argument("--warm", default="25000", help="sizes whose runs are repeated with the cache filled")
    parser.add_argument("--steps-per-epoch", type=int, default=250, help="bound the epoch (0: every photo)")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "catdog-scale"))
    parser.add_argument("--distributed", action="store_true", help="also 2 gloo processes against 1")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()

    work = Path(args.work)
    sizes = [int(s) for s in args.sizes.split(",")]
    skip = {tuple(pair.split(":")) for pair in args.skip.split(",") if pair}
    warm = {int(s) for s in args.warm.split(",") if s}
    photos = make_photos(Path(args.data), max(sizes), work / f"photos-{max(sizes)}")
    lines = [f"Machine: {machine()}. One epoch of at most {args.steps_per_epoch or 'all'} batches; "
             "class folders split 70/15/15; memory sampled every 50 ms.", "",
             "| photos | training photos | recipe | run | reading | peak anonymous MiB | peak resident MiB "
             "| to first batch s | ms per training photo | cache MiB | test accuracy | wall s | others' CPU |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for size in sizes:
        data = linked_subset(photos, size // 2, work / f"set-{size}")
        for recipe in args.recipes.split(","):
            if (str(size), recipe) in skip:
                continue
            cache = work / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            for run in ("cold", "warm") if size in warm else ("cold",):
                result = train(data, recipe, cache, work / "runs", args.steps_per_epoch)
                lines.append(row(size, recipe, run, result, cache))
                print(lines[-1], flush=True)
            shutil.rmtree(cache, ignore_errors=True)
    if not args.no_write:
        write_section("Scale: 4,000 to 100,000 photos (bench/scale.py)", lines)
    flat_check(photos, min(25_000, max(sizes)), work, args.no_write)
    if args.distributed:
        distributed(photos, work, args.steps_per_epoch, args.no_write)


def flat_check(photos: Path, total: int, work: Path, no_write: bool) -> None:
    """A flat Kaggle-style folder of ``total`` photos: every photo used, the lecture's subset on request."""
    flat = linked_subset(photos, total // 2, work / f"flat-{total}", flat=True)
    lines = [f"Machine: {machine()}.", "", "| command | layout | photos used | set aside | skipped | seconds |",
             "|---|---|---|---|---|---|"]
    for extra in ([], ["--subset", "lecture"]):
        command = [sys.executable, "-m", "catdog_gui", "info", str(flat), *extra, "--json"]
        started = time.perf_counter()
        info = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()[-1])
        used = sum(n for split in info["counts"].values() for n in split.values())
        lines.append(f"| `catdog-gui info FLAT {' '.join(extra)}` | {info['layout']} | {used:,} "
                     f"| {info['unused']['total']:,} | {len(info['skipped'])} | {time.perf_counter() - started:.1f} |")
        print(lines[-1], flush=True)
    if not no_write:
        write_section(f"Scale: a flat folder of {total:,} photos (bench/scale.py)", lines)


def distributed(photos: Path, work: Path, steps: int, no_write: bool) -> None:
    """Two gloo processes (torchrun) against one, on 4,000 photos, small CNN and feature extraction."""
    data = linked_subset(photos, 2000, work / "set-4000")
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
                "-m", "catdog_gui"]
    lines = [f"Machine: {machine()}. Each run with an empty cache; one epoch of at most {steps} batches per process.",
             "", "| recipe | processes | to first batch s | ms per training photo | test accuracy | wall s "
             "| others' CPU |", "|---|---|---|---|---|---|---|"]
    for recipe in ("scratch", "feature-extraction"):
        for processes, prefix in ((1, None), (2, torchrun)):
            cache = work / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            result = train(data, recipe, cache, work / "runs", steps, prefix)
            per_photo = 1000 / result["train_images_per_second"]
            lines.append(f"| {recipe} | {result.get('world_size', processes)} | {result['preparing_seconds']:.1f} "
                         f"| {per_photo:.2f} | {result['test_accuracy']:.3f} | {result['wall_seconds']:.0f} "
                         f"| {100 * result['others_cpu']:.0f} % |")
            print(lines[-1], flush=True)
    shutil.rmtree(work / "cache", ignore_errors=True)
    if not no_write:
        write_section("Scale: two gloo processes against one (bench/scale.py)", lines)


if __name__ == "__main__":
    main()
