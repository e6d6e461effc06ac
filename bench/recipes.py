"""Train each recipe on the real photos through the CLI and record speed, accuracy and memory.

    python bench/recipes.py [--data DIR] [--recipes scratch,feature-extraction] [--epochs N]
                            [--cold] [--section NAME]

``--cold`` empties the feature cache first (a first run); without it the cache is kept. Writes a
Markdown table into bench/RESULTS.md (section NAME) and prints each result as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DATA, TRAIN_RATE, machine, run_cli, write_section  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--recipes", default="scratch,scratch-augmented,feature-extraction,"
                                             "feature-extraction-augmented,fine-tuning")
    parser.add_argument("--epochs", type=int, help="override the recipes' epochs (quick runs)")
    parser.add_argument("--head-epochs", type=int)
    parser.add_argument("--cold", action="store_true", help="start with an empty feature cache")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "catdog-bench-cache"))
    parser.add_argument("--section", default="Recipes on the real photos")
    parser.add_argument("extra", nargs="*", help="more options for catdog-gui train, after --")
    args = parser.parse_args()

    runs = tempfile.mkdtemp(prefix="catdog-bench-runs-")
    rows = []
    for recipe in args.recipes.split(","):
        if args.cold:
            shutil.rmtree(args.cache, ignore_errors=True)
        command = ["train", args.data, "--strategy", recipe, "--runs-dir", runs, *args.extra]
        if args.epochs:
            command += ["--epochs", str(args.epochs)]
        if args.head_epochs is not None and recipe == "fine-tuning":
            command += ["--head-epochs", str(args.head_epochs)]
        result = run_cli(command, env={"CATDOG_GUI_CACHE": args.cache})
        result["recipe"] = recipe
        print(json.dumps(result), flush=True)
        per_epoch, rate = result["seconds_per_epoch"], result.get("train_images_per_second")
        rows.append(
            f"| {recipe} | {result['epochs']} | {per_epoch:.1f} | {f'{rate:.0f}' if rate else '-'} | "
            f"{result['best_val_accuracy']:.3f} | {result['test_accuracy']:.3f} | {result['seconds']:.0f} | "
            f"{result['peak_memory_mib']} |"
        )
    lines = [
        f"Machine: {machine()}; device: {result['device']}; data: {args.data}"
        + ("; feature cache emptied before each run" if args.cold else "")
        + (f"; extra options: {' '.join(args.extra)}" if args.extra else ""),
        "",
        f"| recipe | epochs | s/epoch (median) | {TRAIN_RATE} | best val acc | test acc | wall s | peak MiB |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    write_section(args.section, lines)


if __name__ == "__main__":
    main()
