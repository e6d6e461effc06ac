"""How the recommended values were chosen: candidates compared by validation accuracy on several splits
of the real photos, never by a test split.

    python bench/presets.py [--part head|fine-tuning|both] [--seeds-flowers 5] [--seeds-catsdogs 3]

Splits: flowers17 (17 class folders) split 70/15/15 by the app with seeds 0..N-1; and the cats and dogs
of the lecture's train and validation folders pooled (hard links) and split the same way, so that the
lecture's test photos take no part. ``head``: the head on cached EfficientNet-Lite0 features
(``feature-extraction``), a grid of learning rate, optimiser, schedule, label smoothing, monitored
number and epochs. ``fine-tuning``: the fine-tuning rate on flowers17 (fewer splits: each run takes
minutes). Writes a table per part into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch: threads that spin slow a shared machine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, machine, write_section  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
LECTURE = {"preset": "lecture"}  # candidates are spelled out from the lecture's values
HEAD_CANDIDATES = {
    "RMSprop 2e-5 (the lecture's values)": {},
    "RMSprop 3e-4": {"lr": 3e-4},
    "RMSprop 1e-3": {"lr": 1e-3},
    "RMSprop 3e-3": {"lr": 3e-3},
    "RMSprop 1e-3, cosine": {"lr": 1e-3, "schedule": "cosine"},
    "RMSprop 1e-3, cosine, label smoothing 0.1": {"lr": 1e-3, "schedule": "cosine", "label_smoothing": 0.1},
    "RMSprop 1e-3, cosine, 60 epochs": {"lr": 1e-3, "schedule": "cosine", "epochs": 60},
    "RMSprop 1e-3, best by validation loss": {"lr": 1e-3, "monitor": "loss"},
    "AdamW 1e-3 (decay 0.01), cosine": {"lr": 1e-3, "optimizer": "adamw", "weight_decay": 1e-2, "schedule": "cosine"},
    "AdamW 1e-3 (decay 0.01), cosine, label smoothing 0.1": {
        "lr": 1e-3, "optimizer": "adamw", "weight_decay": 1e-2, "schedule": "cosine", "label_smoothing": 0.1},
}
FINE_TUNING_BASE = {"lr": 1e-3, "head_epochs": 5, "epochs": 15, "schedule": "cosine"}
FINE_TUNING_CANDIDATES = {
    "fine-tuning rate 3e-5": {"fine_tune_lr": 3e-5},
    "fine-tuning rate 1e-4": {"fine_tune_lr": 1e-4},
    "fine-tuning rate 1e-4, label smoothing 0.1": {"fine_tune_lr": 1e-4, "label_smoothing": 0.1},
    "fine-tuning rate 3e-4": {"fine_tune_lr": 3e-4},
}


def pooled_catsdogs(out: Path) -> Path:
    """The lecture's cats and dogs train and validation photos as one folder of class folders."""
    source = DATASETS / "catsdogs"
    for split in ("train", "validation"):
        for class_dir in sorted((source / split).iterdir()):
            target = out / class_dir.name
            target.mkdir(parents=True, exist_ok=True)
            for photo in class_dir.iterdir():
                os.link(photo, target / f"{split}-{photo.name}")
    return out


def best_validation(data: Path, strategy: str, seed: int, values: dict, runs: Path) -> float:
    from catdog_gui.core.recipes import resolve_settings
    from catdog_gui.core.training import Finished, Training

    settings = resolve_settings(str(data), strategy, seed=seed, **LECTURE, **values)
    for record in Training(settings, runs_dir=runs).run():
        if isinstance(record, Finished):
            return record.best_val_accuracy


def compare(candidates: dict, strategy: str, sets: dict[str, tuple[Path, int]], runs: Path) -> list[str]:
    names = list(sets)
    lines = ["| candidate | " + " | ".join(f"{n} ({sets[n][1]} splits)" for n in names) + " |",
             "|---|" + "---|" * len(names)]
    for title, values in candidates.items():
        means = []
        for name in names:
            data, seeds = sets[name]
            accuracies = [best_validation(data, strategy, seed, values, runs) for seed in range(seeds)]
            means.append(statistics.mean(accuracies))
            print(title, name, accuracies, flush=True)
        lines.append(f"| {title} | " + " | ".join(f"{m:.4f}" for m in means) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=["head", "fine-tuning", "both"], default="both")
    parser.add_argument("--seeds-flowers", type=int, default=5)
    parser.add_argument("--seeds-catsdogs", type=int, default=3)
    parser.add_argument("--seeds-fine-tuning", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="catdog-presets-") as temp:
        temp = Path(temp)
        flowers = DATASETS / "flowers17"
        if args.part in ("head", "both"):
            sets = {"flowers17": (flowers, args.seeds_flowers),
                    "cats and dogs, train + validation": (pooled_catsdogs(temp / "catsdogs"), args.seeds_catsdogs)}
            table = compare(HEAD_CANDIDATES, "feature-extraction", sets, temp / "runs")
            write_section("Choosing the recommended values: the head on features (bench/presets.py)", [
                f"Machine: {machine()}. `feature-extraction`, EfficientNet-Lite0 at 224 px, 30 epochs unless "
                "said, the lecture's values otherwise; mean best validation accuracy over the splits.", "",
                *table])
        if args.part in ("fine-tuning", "both"):
            candidates = {title: {**FINE_TUNING_BASE, **values} for title, values in FINE_TUNING_CANDIDATES.items()}
            table = compare(candidates, "fine-tuning", {"flowers17": (flowers, args.seeds_fine_tuning)},
                            temp / "runs")
            write_section("Choosing the recommended values: fine-tuning (bench/presets.py)", [
                f"Machine: {machine()}. `fine-tuning`, EfficientNet-Lite0 at 224 px with the lecture's "
                "augmentation: the head 5 epochs at 1e-3, then the top block 15 epochs, both with a cosine "
                "schedule; mean best validation accuracy.", "",
                *table])


if __name__ == "__main__":
    main()
