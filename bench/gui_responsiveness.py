"""Does the window keep up while it trains, and does it slow training down?

    python bench/gui_responsiveness.py [--data DIR] [--strategy S] [--epochs N] [--image-size PX]
                                       [--per-class N] [--repeat N] [--screenshots DIR] [--section NAME]

Trains the same settings in fresh child processes: headless (the generator iterated as the CLI does),
through the window (offscreen, started with its Start button, curves drawing), and through the window
again with a timer probe that records every gap in the Qt event loop while the run goes on (the
probe wakes the main thread every 5 ms, which itself costs the run a little, hence the separate run
for speed). Reports images per second (preparing: decoding or feature extraction; training: median
over epochs) and the longest and 99th-percentile event-loop gaps. Each run gets an empty feature cache. ``--per-class N`` trains on a hard-linked subset
(N train, N/2 validation, N/2 test photos per class). Writes a table into bench/RESULTS.md.
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
from common import DEFAULT_DATA, TRAIN_RATE, machine, subset, write_section  # noqa: E402

PROBE_MS = 5
PREPARE_RATE = "prepare img/s (photos decoded or extracted, over the time before training)"


def summarise(records: list[tuple[float, object]]) -> dict:
    """Images per second while preparing (decoding or extracting) and while training."""
    from catdog_gui.core.training import EpochDone, Finished, PhaseStarted, Progress

    starts = {r.phase: t for t, r in records if isinstance(r, PhaseStarted)}
    prepared = sum(r.total for _, r in records if isinstance(r, Progress) and r.done == r.total)
    prep_phase = "extracting" if "extracting" in starts else "decoding"
    prep_seconds = starts.get("training", 0) - starts.get(prep_phase, 0)
    epochs = [r for _, r in records if isinstance(r, EpochDone)]
    finished = next(r for _, r in records if isinstance(r, Finished))
    return {
        "prepare_images_per_second": round(prepared / prep_seconds, 1) if prep_seconds > 0 and prepared else None,
        "train_images_per_second": round(statistics.median(e.images_per_second for e in epochs), 1),
        "seconds_per_epoch": finished.seconds_per_epoch,
        "epochs": finished.epochs,
        "best_val_accuracy": finished.best_val_accuracy,
        "device": finished.device,
    }


def settings_from(args):
    from catdog_gui.core.recipes import resolve_settings

    overrides = {"epochs": args.epochs, "image_size": args.image_size}
    return resolve_settings(args.data, args.strategy, **overrides)


def child_headless(args) -> dict:
    from catdog_gui.core.training import Training

    records = [(time.perf_counter(), r) for r in Training(settings_from(args), runs_dir=args.runs).run()]
    return summarise(records)


def child_window(args) -> dict:
    from PySide6.QtCore import QSettings, Qt, QTimer

    from catdog_gui.gui.app import make_application
    from catdog_gui.gui.main_window import MainWindow
    from catdog_gui.gui.selftest import wait_until

    app = make_application()  # noqa: F841 (held: the application must outlive the window)
    window = MainWindow(QSettings(str(Path(args.runs) / "settings.ini"), QSettings.Format.IniFormat))
    window.resize(1280, 820)
    window.show()
    assert wait_until(lambda: window.engine is not None, 120)
    window.data_panel.open_folder(args.data)
    assert wait_until(lambda: window.data_panel.dataset is not None and not window.data_panel.busy, 120)
    settings = settings_from(args)
    panel = window.strategy_panel
    panel.select(args.strategy)
    panel.set_values(epochs=settings.epochs, image_size=settings.image_size)
    shots = Path(args.screenshots) if args.screenshots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
        wait_until(lambda: not window.data_panel.thumbnails.loading, 60)
        window.show_step(0)
        window.grab().save(str(shots / "real_data.png"))
        window.show_step(1)
        wait_until(lambda: getattr(panel, "preview_shown", 0) > 0, 60)
        wait_until(lambda: False, 0.5)
        window.grab().save(str(shots / "real_strategy.png"))

    records, ticks = [], []
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(args.probe_ms or 1000)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
    training = window.training_panel
    window.show_step(2)
    if args.probe_ms:
        probe.start()
    training.start_button.click()
    assert training.busy, "the run did not start"
    training._worker.yielded_many.connect(lambda rs: records.extend((time.perf_counter(), r) for r in rs))
    mid_shot = {}

    def snapshot_midway() -> bool:
        if shots and not mid_shot and training.series["val_accuracy"].count >= max(2, settings.epochs // 2):
            mid_shot["done"] = True
            window.grab().save(str(shots / "real_training_midway.png"))
        return not training.busy

    assert wait_until(snapshot_midway, 3600, step_ms=50)
    probe.stop()
    # Only the run itself: what the window does once it has finished (evaluating the model, loading
    # it into the predictor) is not training.
    from catdog_gui.core.training import Finished

    ended = next(t for t, r in records if isinstance(r, Finished))
    ticks = [t for t in ticks if t <= ended]
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    result = summarise(records)
    if gaps:
        worst = max(range(len(gaps)), key=gaps.__getitem__)
        result["max_gap_at_s"] = round(ticks[worst] - ticks[0], 2)
        # What the run was doing then: its phase and the records that arrived just after the gap.
        before = [r for t, r in records if t <= ticks[worst + 1]]
        phases = [r.phase for r in before if type(r).__name__ == "PhaseStarted"]
        result["max_gap_phase"] = phases[-1] if phases else "starting"
        result["max_gap_records"] = sorted({type(r).__name__ for t, r in records
                                            if ticks[worst] <= t <= ticks[worst + 1] + 0.05})
        result["max_event_loop_gap_ms"] = round(1000 * max(gaps), 1)
        result["p99_event_loop_gap_ms"] = round(1000 * sorted(gaps)[int(0.99 * (len(gaps) - 1))], 1)
        result["gaps_over_50_ms"] = sum(g > 0.05 for g in gaps)
    if shots:
        window.grab().save(str(shots / "real_training.png"))
        evaluation = window.evaluation_panel
        wait_until(lambda: evaluation.result is not None and not evaluation.cell_gallery.loading
                   and not evaluation.mistakes_gallery.loading, 600)
        wait_until(lambda: False, 0.5)
        window.show_step(3)
        window.grab().save(str(shots / "real_evaluation.png"))
        from catdog_gui.gui.selftest import drop_files

        predictor = window.predictor_panel
        wait_until(lambda: predictor.predictor is not None and not predictor.busy, 120)
        window.show_step(4)
        photos = sorted((Path(args.data) / "test" / "dogs").iterdir())[:3] + \
            sorted((Path(args.data) / "test" / "cats").iterdir())[:3]
        drop_files(predictor, photos)
        wait_until(lambda: len(predictor.results) == len(photos) and not predictor.busy, 120)
        window.grab().save(str(shots / "real_predictor.png"))
        window.show_step(5)
        window.runs_panel.select_runs([window.training_panel.last_finished.run_dir])
        window.grab().save(str(shots / "real_runs.png"))
    window.close()
    return result


def run_child(mode: str, args, data: str, probe_ms: int = 0) -> dict:
    with tempfile.TemporaryDirectory(prefix="catdog-bench-gui-") as temp:
        command = [sys.executable, __file__, "--child", mode, "--data", data, "--strategy", args.strategy,
                   "--runs", temp]
        command += ["--probe-ms", str(probe_ms)]
        for name in ("epochs", "image_size", "screenshots"):
            value = getattr(args, name)
            if value is not None and not (name == "screenshots" and (mode == "headless" or probe_ms)):
                command += [f"--{name.replace('_', '-')}", str(value)]
        env = {**os.environ, "CATDOG_GUI_CACHE": str(Path(temp) / "cache"), "QT_QPA_PLATFORM": "offscreen",
               "CATDOG_GUI_SETTINGS": str(Path(temp) / "settings.ini"), "CATDOG_GUI_RUNS": temp}
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise RuntimeError(f"{mode} run failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--strategy", default="feature-extraction")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--image-size", type=int)
    parser.add_argument("--per-class", type=int)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--screenshots")
    parser.add_argument("--section", default="Training with the window attached")
    parser.add_argument("--probe-ms", type=int, default=PROBE_MS, help="0: no probed run")
    parser.add_argument("--child", choices=("headless", "window"))
    parser.add_argument("--runs")
    args = parser.parse_args()
    if args.child:
        result = child_headless(args) if args.child == "headless" else child_window(args)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="catdog-bench-data-") as temp:
        data = str(subset(Path(args.data), args.per_class, Path(temp) / "data")) if args.per_class else args.data
        rows = []
        for _ in range(args.repeat):  # alternate, so a busy neighbour on the machine hits all alike
            runs = [("headless", 0), ("window", 0)] + ([("window", args.probe_ms)] if args.probe_ms else [])
            for mode, probe in runs:
                result = run_child(mode, args, data, probe) | {"mode": mode + (" + probe" if probe else "")}
                print(json.dumps(result), flush=True)
                rows.append(result)
    lines = [f"Machine: {machine()}; device: {rows[0]['device']}; data: {args.data}"
             + (f" ({args.per_class} training photos per class)" if args.per_class else "")
             + f"; strategy {args.strategy}; empty feature cache; event loop probed every {args.probe_ms} ms "
             "in the probed runs", "",
             f"| run | {PREPARE_RATE} | {TRAIN_RATE} | s/epoch (median) | longest event-loop gap ms | p99 gap ms |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['mode']} | {row['prepare_images_per_second']} | {row['train_images_per_second']} | "
                     f"{row['seconds_per_epoch']} | {row.get('max_event_loop_gap_ms', '')} | "
                     f"{row.get('p99_event_loop_gap_ms', '')} |")
    for key in ("prepare_images_per_second", "train_images_per_second"):
        headless = statistics.median(r[key] for r in rows if r["mode"] == "headless" and r[key])
        window = statistics.median(r[key] for r in rows if r["mode"] == "window" and r[key])
        lines.append("")
        lines.append(f"Window / headless, {key.replace('_', ' ')}: {window / headless:.1%}")
    write_section(args.section, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
