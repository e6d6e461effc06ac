"""Test accuracy of the recommended values on real photos, per data set, strategy and backbone, with and
without test-time augmentation, and the time each run takes.

    python bench/quality.py [--data catsdogs,flowers17] [--strategies feature-extraction,fine-tuning]
                            [--backbones efficientnet-lite0,efficientnet-lite1,efficientnet-lite2]
    python bench/quality.py --drop "catsdogs|fine-tuning|efficientnet-lite0"   (forget an entry)

Each run trains through the command line (``train --json``, recommended preset, an empty cache: the
time a user waits the first time), then evaluates its best model on the test photos with and without
``--tta``. Results accumulate in bench/quality.json (one entry per data set, strategy and backbone, a
later run replacing an earlier one), from which the table in bench/RESULTS.md and the figures that the
strategy step shows (catdog_gui/core/measured.py) are written. A folder of class folders (flowers17)
is first laid out as the app splits it (70/15/15, seed 0), so that the test photos were never trained on.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, machine, run_cli, write_section  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
STORE = ROOT / "bench" / "quality.json"
MEASURED = ROOT / "catdog_gui" / "core" / "measured.py"
SECTION = "Quality: recommended values on real photos (bench/quality.py)"


def lecture_layout(data: Path, out: Path) -> Path:
    """``data`` as is when it has train/validation/test; else the app's own split of it, hard-linked."""
    from catdog_gui.core.datasets import detect_layout, load_dataset

    if detect_layout(data) == "lecture":
        return data
    dataset = load_dataset(data, seed=0)
    for split, samples in dataset.splits.items():
        for sample in samples:
            target = out / split / dataset.classes[sample.label] / Path(sample.path).name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(sample.path, target)
            except OSError:
                shutil.copyfile(sample.path, target)
    return out


def measure(data: Path, strategy: str, backbone: str, work: Path) -> dict:
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {"CATDOG_GUI_CACHE": str(cache)}
    trained = run_cli(["train", str(data), "--strategy", strategy, "--backbone", backbone,
                       "--runs-dir", str(work / "runs")], env=env)
    plain = run_cli(["evaluate", trained["model"], str(data)], env=env)
    mirrored = run_cli(["evaluate", trained["model"], str(data), "--tta"], env=env)
    return {
        "test_accuracy": plain["accuracy"], "test_accuracy_tta": mirrored["accuracy"],
        "balanced_accuracy": plain["balanced_accuracy"], "best_val_accuracy": trained["best_val_accuracy"],
        "epochs": trained["epochs"], "train_seconds": trained["seconds"],
        "evaluate_seconds": plain["wall_seconds"], "evaluate_tta_seconds": mirrored["wall_seconds"],
        "test_photos": sum(map(sum, plain["confusion_matrix"])), "device": trained["device"], "machine": machine(),
    }


def table(results: dict) -> list[str]:
    lines = [
        "Each run: `catdog-gui train DATA --strategy S --backbone B` with the recommended values and an empty "
        "cache (time: the whole command, photos read and features computed included), then `evaluate` of its "
        "best model on the test photos, without and with `--tta` (the photo and its mirror image). "
        "flowers17 is split as the app splits it (70/15/15, seed 0).",
        "",
        "| data | strategy | backbone | epochs | test acc | test acc, TTA | balanced acc | train s | evaluate s "
        "(TTA) | machine |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key in sorted(results):
        r = results[key]
        data, strategy, backbone = key.split("|")
        lines.append(
            f"| {data} | {strategy} | {backbone} | {r['epochs']} | {r['test_accuracy']:.3f} | "
            f"{r['test_accuracy_tta']:.3f} | {r['balanced_accuracy']:.3f} | {r['train_seconds']:.0f} | "
            f"{r['evaluate_seconds']:.0f} ({r['evaluate_tta_seconds']:.0f}) | {r['machine']}; {r['device']} |")
    return lines


def write_measured(results: dict) -> None:
    """The figures the strategy step shows next to each network, as a Python module of data."""
    figures: dict = {}
    for key, r in sorted(results.items()):
        data, strategy, backbone = key.split("|")
        figures.setdefault(backbone, {}).setdefault(strategy, {})[data] = {
            "test_accuracy": round(r["test_accuracy"], 3), "seconds": round(r["train_seconds"]),
            "photos": r["test_photos"], "machine": r["machine"].split(",")[0] + ", " + r["machine"].split(",")[1].strip(),
        }
    MEASURED.write_text(
        '"""Accuracy and time of each built-in network with the recommended values, as measured by\n'
        'bench/quality.py (which writes this file; do not edit it by hand)."""\n\n'
        f"FIGURES = {json.dumps(figures, indent=4)}\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="catsdogs,flowers17", help="folders under shared/datasets")
    parser.add_argument("--strategies", default="feature-extraction,fine-tuning")
    parser.add_argument("--backbones", default="efficientnet-lite0,efficientnet-lite1,efficientnet-lite2")
    parser.add_argument("--drop", action="append", default=[], metavar="DATA|STRATEGY|BACKBONE",
                        help="forget this entry (measured with values no longer recommended) and rewrite the "
                             "table, measuring nothing")
    args = parser.parse_args()

    results = json.loads(STORE.read_text()) if STORE.exists() else {}
    if args.drop:
        for key in args.drop:
            results.pop(key, None)
        STORE.write_text(json.dumps(results, indent=1) + "\n")
        write_section(SECTION, table(results))
        write_measured(results)
        return
    with tempfile.TemporaryDirectory(prefix="catdog-quality-") as temp:
        for name in args.data.split(","):
            data = lecture_layout(DATASETS / name, Path(temp) / name)
            for strategy in args.strategies.split(","):
                for backbone in args.backbones.split(","):
                    result = measure(data, strategy, backbone, Path(temp) / "work")
                    print(json.dumps({"data": name, "strategy": strategy, "backbone": backbone, **result}), flush=True)
                    results[f"{name}|{strategy}|{backbone}"] = result
                    STORE.write_text(json.dumps(results, indent=1) + "\n")
                    write_section(SECTION, table(results))
                    write_measured(results)


if __name__ == "__main__":
    main()
