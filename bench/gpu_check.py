"""Every recipe briefly on the GPU: device, precision and images per second.

    python bench/gpu_check.py [DATA] [--epochs N] [--device cuda]

DATA defaults to the real photos beside the project; where they are absent, a made-up dataset of
1000/500/500 images per class is generated (speed, not accuracy, is what this checks).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DATA, TRAIN_RATE, machine, made_up_dataset, write_section  # noqa: E402


EXTRACTION_RATE = "extraction img/s (feature extraction, decoding included)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--device", default="cuda")
    args = parser.parse_args()

    import torch

    from catdog_gui.core.recipes import RECIPES, resolve_settings
    from catdog_gui.core.training import EpochDone, Finished, Progress, Training

    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("no CUDA GPU here: nothing to check")
    data, described = Path(args.data), args.data
    if not data.is_dir():
        data = made_up_dataset(Path(tempfile.mkdtemp(prefix="catdog-gpu-data-")))
        described = "made-up noise photos (speed only: the accuracies mean nothing)"
    runs = tempfile.mkdtemp(prefix="catdog-gpu-runs-")
    rows = []
    for recipe in RECIPES:
        overrides = {"epochs": args.epochs, "device": args.device}
        if recipe == "fine-tuning":
            overrides["head_epochs"] = 1
        training = Training(resolve_settings(str(data), recipe, **overrides), runs_dir=runs)
        started = time.perf_counter()
        epoch_rates, extraction_rate, finished = [], None, None
        for record in training.run():
            if isinstance(record, EpochDone):
                epoch_rates.append(record.images_per_second)
            elif isinstance(record, Progress) and record.phase.startswith("extracting") and record.done == record.total:
                extraction_rate = record.images_per_second
            elif isinstance(record, Finished):
                finished = record
        result = {
            "recipe": recipe, "device": finished.device, "precision": training.precision,
            "train_images_per_second": round(statistics.median(epoch_rates)),
            "seconds_per_epoch": round(finished.seconds_per_epoch or 0, 2),
            "extraction_images_per_second": round(extraction_rate) if extraction_rate else None,
            "test_accuracy": finished.test_accuracy, "wall_seconds": round(time.perf_counter() - started, 1),
        }
        print(json.dumps(result), flush=True)
        rows.append(
            f"| {recipe} | {result['precision']} | {result['train_images_per_second']} | "
            f"{result['seconds_per_epoch']} | {result['extraction_images_per_second'] or '-'} | "
            f"{result['wall_seconds']} |"
        )
    write_section(f"GPU check: {finished.device}", [
        f"Machine: {machine()}; data: {described}; {args.epochs} epochs each (fine-tuning: 1 head epoch first).",
        "",
        f"| recipe | precision | {TRAIN_RATE} | s/epoch (median) | {EXTRACTION_RATE} | wall s |",
        "|---|---|---|---|---|---|",
        *rows,
    ])


if __name__ == "__main__":
    main()
