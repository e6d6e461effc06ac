"""Class weights on an uneven training set made from the real cats and dogs.

    python bench/imbalance.py [--dogs 100] [--strategy feature-extraction]

The lecture's catsdogs folder with all 1000 training cats but only ``--dogs`` training dogs (hard links;
validation and test photos as they are, 500 per class), trained with the recommended values twice:
``--class-weights off`` and ``auto`` (on here: the cats outnumber the dogs more than 3 to 1). Each best
model is evaluated on the test photos; the table in bench/RESULTS.md gives accuracy, balanced accuracy
and each class's recall and precision.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DATA, machine, run_cli, write_section  # noqa: E402


def uneven(data: Path, out: Path, dogs: int) -> Path:
    for split in ("train", "validation", "test"):
        for class_dir in sorted((data / split).iterdir()):
            photos = sorted(class_dir.iterdir())
            if split == "train" and class_dir.name == "dogs":
                photos = photos[:dogs]
            target = out / split / class_dir.name
            target.mkdir(parents=True)
            for photo in photos:
                try:
                    os.link(photo, target / photo.name)
                except OSError:
                    shutil.copyfile(photo, target / photo.name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--dogs", type=int, default=100, help="training dogs kept (of 1000)")
    parser.add_argument("--strategy", default="feature-extraction")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="catdog-imbalance-") as temp:
        data = uneven(Path(args.data), Path(temp) / "photos", args.dogs)
        for mode in ("off", "auto"):
            trained = run_cli(["train", str(data), "--strategy", args.strategy, "--class-weights", mode,
                               "--runs-dir", str(Path(temp) / "runs")])
            result = run_cli(["evaluate", trained["model"], str(data)])
            print(mode, result["accuracy"], result["balanced_accuracy"], result["recall"], flush=True)
            recall, precision = result["recall"], result["precision"]
            per_class = " | ".join(f"{recall[c]:.3f} / {precision[c]:.3f}" for c in result["classes"])
            rows.append(f"| {mode} | {result['accuracy']:.3f} | {result['balanced_accuracy']:.3f} | {per_class} |")
    classes = " | ".join(f"{c}: recall / precision" for c in result["classes"])
    write_section("Class weights on an uneven training set (bench/imbalance.py)", [
        f"Machine: {machine()}. {args.data} with 1000 training cats and {args.dogs} training dogs (validation "
        f"and test: 500 per class); `train --strategy {args.strategy}` with the recommended values and "
        "`--class-weights` off or auto, then `evaluate` on the test photos.", "",
        f"| class weights | accuracy | balanced accuracy | {classes} |",
        "|---|---|---|" + "---|" * len(result["classes"]),
        *rows])


if __name__ == "__main__":
    main()
