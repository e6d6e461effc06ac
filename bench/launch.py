"""Time from launch to a visible window, and to a window ready to train (the engine loaded).

    python bench/launch.py [--repeat N]

Each launch is a fresh process doing what ``catdog-gui`` with no arguments does (offscreen), timed
from just before the process is started: to the main window's first paint, and to the moment the
training engine (torch and the models) has loaded in a background thread (the window never waits
for it). Writes a section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, write_section  # noqa: E402

# The child: the window as run_window() opens it, with a filter noting its first paint.
CHILD = """
import json, os, time
spawned = float(os.environ["CATDOG_BENCH_SPAWNED"])
from catdog_gui.gui.app import make_application
app = make_application()
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from catdog_gui.gui.main_window import MainWindow

times = {}

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "painted" not in times:
            times["painted"] = time.time() - spawned
        return False

window = MainWindow(QSettings(os.environ["CATDOG_BENCH_SETTINGS"], QSettings.Format.IniFormat))
watcher = FirstPaint()
window.installEventFilter(watcher)
window.engine_loaded.connect(lambda _: (times.setdefault("engine", time.time() - spawned), app.quit()))
window.show()
QTimer.singleShot(120_000, app.quit)
app.exec()
print(json.dumps(times))
"""


def launch_once(settings: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CATDOG_BENCH_SETTINGS": settings}
    env["CATDOG_BENCH_SPAWNED"] = repr(time.time())
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--section", default="Launch to a visible window")
    args = parser.parse_args()
    settings = str(Path(tempfile.mkdtemp(prefix="catdog-bench-launch-")) / "settings.ini")
    runs = [launch_once(settings) for _ in range(args.repeat)]
    for run in runs:
        print(json.dumps(run), flush=True)
    painted = [r["painted"] for r in runs]
    engine = [r["engine"] for r in runs if "engine" in r]
    lines = [
        f"Machine: {machine()}; offscreen Qt; {args.repeat} launches, each a fresh process (files in the "
        "page cache: the first launch after a reboot reads more from disk)",
        "",
        "| moment | median s | slowest s |",
        "|---|---|---|",
        f"| window painted | {statistics.median(painted):.2f} | {max(painted):.2f} |",
        f"| training engine loaded (torch, models) | {statistics.median(engine):.2f} | {max(engine):.2f} |",
    ]
    write_section(args.section, lines)


if __name__ == "__main__":
    main()
