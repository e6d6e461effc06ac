"""Long use of one window session: does memory grow beyond what the models need?

    python bench/long_use.py [--data DIR] [--runs 3] [--epochs 2] [--image-size 128] [--per-class 100]
                             [--predictions 1000] [--round 100] [--section NAME]

Opens the main window offscreen (private settings, runs and cache) and does what a long session does:
chooses a dataset (a hard-linked subset of DATA; made-up photos where DATA is absent), trains the
small CNN ``--runs`` times with the Start button (each run is then evaluated and loaded into the
predictor by the window, as after any run), and classifies ``--predictions`` photos through the
predictor panel, ``--round`` at a time, clearing the table between rounds as a user would.

After every step it records the process's resident memory (VmRSS), the Python objects alive and the
worker threads still referenced. Memory that keeps growing from one identical step to the next is a
leak; the models themselves are small (a few MB). Writes a table into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DATA, machine, subset, write_section  # noqa: E402


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def photos_to_classify(data: Path, count: int, out: Path) -> list[str]:
    """``count`` photo paths (real ones from DATA where it exists, else made up)."""
    if data.is_dir():
        found = sorted(str(p) for p in (data / "train").rglob("*.jpg"))
        if len(found) >= count:
            return found[:count]
    from catdog_gui.gui.selftest import write_images

    per_class = count // 2 + 1
    write_images(out, per_split=(per_class, 0, 0), size=160)
    return sorted(str(p) for p in (out / "train").rglob("*.png"))[:count]


class Session:
    """The window, and the measurements taken after each step."""

    def __init__(self, window, wait_until):
        self.window = window
        self.wait_until = wait_until
        self.rows: list[dict] = []

    def measure(self, step: str, seconds: float) -> None:
        from catdog_gui.gui.worker import _ALIVE

        self.wait_until(lambda: False, 0.3)  # let queued signals and deletions happen
        gc.collect()
        self.rows.append({"step": step, "rss_mib": round(rss_mib(), 1), "objects": len(gc.get_objects()),
                          "workers": len(_ALIVE), "seconds": round(seconds, 1)})
        print(self.rows[-1], flush=True)

    def train(self, epochs: int, image_size: int) -> None:
        window = self.window
        window.strategy_panel.select("scratch")
        window.strategy_panel.set_values(epochs=epochs, image_size=image_size, batch_size=20)
        panel = window.training_panel
        panel.start_button.click()
        if not self.wait_until(lambda: panel.busy, 30) or not self.wait_until(lambda: not panel.busy, 1800):
            raise RuntimeError("the run did not finish")
        finished = panel.last_finished
        if finished is None or not finished.model_path:
            raise RuntimeError(f"the run failed: {panel.banner.text()}")
        # After a run the window evaluates the model and loads it into the predictor.
        predictor = window.predictor_panel
        self.wait_until(lambda: predictor.predictor is not None and predictor.predictor.model_path ==
                        finished.model_path and not predictor.busy, 300)
        self.wait_until(lambda: window.evaluation_panel.result is not None and not window.evaluation_panel.busy, 300)

    def classify(self, paths: list[str]) -> None:
        panel = self.window.predictor_panel
        panel.clear()
        panel.add_paths(paths)
        if not self.wait_until(lambda: not panel.busy and len(panel.results) == len(paths), 600):
            raise RuntimeError(f"classified {len(panel.results)} of {len(paths)} photos")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--image-size", type=int, default=128)
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--predictions", type=int, default=1000)
    parser.add_argument("--round", type=int, default=100)
    parser.add_argument("--section", default="Long use of one window session")
    args = parser.parse_args()

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    temp = Path(tempfile.mkdtemp(prefix="catdog-long-use-"))
    for name, value in (("CATDOG_GUI_RUNS", temp / "runs"), ("CATDOG_GUI_CACHE", temp / "cache"),
                        ("CATDOG_GUI_SETTINGS", temp / "settings.ini")):
        os.environ[name] = str(value)
    data = Path(args.data)
    started_rss = rss_mib()
    from PySide6.QtCore import QSettings

    from catdog_gui.gui.app import make_application
    from catdog_gui.gui.main_window import MainWindow
    from catdog_gui.gui.selftest import wait_until, write_images

    make_application()
    window = MainWindow(QSettings(str(temp / "settings.ini"), QSettings.Format.IniFormat))
    window.ask_before_quitting = False
    window.show()
    session = Session(window, wait_until)
    clock = time.perf_counter()
    wait_until(lambda: window.engine is not None, 120)
    session.measure("window open, engine loaded", time.perf_counter() - clock)

    if data.is_dir():
        photos = subset(data, args.per_class, temp / "photos")
        source = f"{data} (hard-linked subset: {args.per_class} train, {args.per_class // 2} validation and test per class)"
    else:
        photos = write_images(temp / "photos", per_split=(args.per_class, args.per_class // 2, args.per_class // 2),
                              size=160)
        source = f"made-up photos ({args.per_class} train per class)"
    to_classify = photos_to_classify(data, args.predictions, temp / "to-classify")
    clock = time.perf_counter()
    window.data_panel.open_folder(photos)
    wait_until(lambda: window.data_panel.dataset is not None and not window.data_panel.busy
               and not window.data_panel.thumbnails.loading, 120)
    session.measure("photos chosen", time.perf_counter() - clock)

    for run in range(1, args.runs + 1):
        clock = time.perf_counter()
        session.train(args.epochs, args.image_size)
        session.measure(f"run {run} trained, evaluated, loaded", time.perf_counter() - clock)
    for start in range(0, len(to_classify), args.round):
        clock = time.perf_counter()
        session.classify(to_classify[start:start + args.round])
        session.measure(f"{start + args.round} photos classified", time.perf_counter() - clock)
    window.close()

    rows = session.rows
    runs = [r for r in rows if r["step"].startswith("run ")]
    rounds = [r for r in rows if r["step"].endswith("classified")]
    lines = [
        (f"Machine: {machine()}; data: {source}; `python bench/long_use.py --runs {args.runs} --epochs {args.epochs} "
        f"--image-size {args.image_size} --predictions {args.predictions} --round {args.round}`: the small CNN "
        f"(scratch, {args.image_size} px, batch 20); {len(to_classify)} photos classified through the predictor "
        f"panel, {args.round} at a time, the table cleared before each round. Memory is the process's VmRSS after "
        f"a garbage collection; 'objects' counts the Python objects the collector tracks (the window freezes "
        f"those alive when the engine loads); 'workers' the worker threads still referenced. Before Qt and "
        f"torch were imported the process held {started_rss:.0f} MiB."),
        "",
        "| step | seconds | memory MiB | objects | workers |",
        "|---|---|---|---|---|",
        *[f"| {r['step']} | {r['seconds']} | {r['rss_mib']} | {r['objects']} | {r['workers']} |" for r in rows],
        "",
        (f"Growth from run 1 to run {len(runs)}: {runs[-1]['rss_mib'] - runs[0]['rss_mib']:+.1f} MiB, "
        f"{runs[-1]['objects'] - runs[0]['objects']:+d} objects; from the first round of predictions to the "
        f"last: {rounds[-1]['rss_mib'] - rounds[0]['rss_mib']:+.1f} MiB, "
        f"{rounds[-1]['objects'] - rounds[0]['objects']:+d} objects."),
    ]
    write_section(args.section, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
