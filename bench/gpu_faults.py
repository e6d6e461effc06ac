"""Running out of GPU memory for real: the messages, the fallbacks, and the memory given back.

    python bench/gpu_faults.py [--free-gib 3] [--out DIR]

Fills the GPU but for ``--free-gib`` with one large tensor (as another program sharing the GPU would),
then, on made-up photos:

1. trains the small CNN with a batch that cannot fit: the run must end with the clear out-of-memory
   message, the memory must be given back, and the same run with a small batch must then finish;
2. the same on the command line, in a child process: exit status 2 and that message as one line;
3. classifies photos with a batch that cannot fit: the predictor must halve its batch until it fits
   and give the answers a small batch gives;
4. extracts features (EfficientNet-Lite0 with random weights from a file) with a batch that cannot fit.

Prints one JSON object, writes it to OUT/gpu_faults.json and a summary table into bench/RESULTS.md
(section "Out of GPU memory, for real"). Needs a CUDA GPU.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, machine, made_up_dataset, write_section  # noqa: E402

sys.path.insert(0, str(ROOT))

GIB = 1 << 30


def allocated_mib() -> float:
    import torch

    return torch.cuda.memory_allocated() / 2**20


def check_training(data: Path, runs: Path, ballast_mib: float) -> dict:
    from catdog_gui.core.errors import UserError
    from catdog_gui.core.recipes import resolve_settings
    from catdog_gui.core.training import Training

    result = {}
    big = resolve_settings(str(data), "scratch", epochs=1, image_size=256, batch_size=512, device="cuda")
    started = time.perf_counter()
    try:
        list(Training(big, runs_dir=runs).run())
        result["big_batch"] = "finished (no out-of-memory: --free-gib too large?)"
    except UserError as error:
        result["big_batch"] = f"UserError: {error}"
    except Exception as error:  # noqa: BLE001 (what this check is for: anything but a clear message is a finding)
        result["big_batch"] = f"UNEXPECTED {type(error).__name__}: {error}"
        result["traceback"] = traceback.format_exc()[-3000:]
    result["big_batch_seconds"] = round(time.perf_counter() - started, 2)
    result["allocated_mib_after_failure_beyond_ballast"] = round(allocated_mib() - ballast_mib, 1)
    small = resolve_settings(str(data), "scratch", epochs=1, image_size=256, batch_size=16, device="cuda")
    started = time.perf_counter()
    finished = list(Training(small, runs_dir=runs).run())[-1]
    result["small_batch_after"] = {"epochs": finished.epochs, "model": bool(finished.model_path),
                                   "device": finished.device, "seconds": round(time.perf_counter() - started, 2)}
    return result


def check_cli(data: Path, runs: Path) -> dict:
    command = [sys.executable, "-m", "catdog_gui", "train", str(data), "--strategy", "scratch", "--epochs", "1",
               "--image-size", "256", "--batch-size", "512", "--device", "cuda", "--runs-dir", str(runs)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    lines = done.stderr.strip().splitlines()
    return {"exit_status": done.returncode, "last_line": lines[-1] if lines else "",
            "lines_naming_the_program": sum(line.startswith("catdog-gui: ") for line in lines),
            "traceback": "Traceback" in done.stderr}


def check_prediction(model_dir: Path) -> dict:
    import torch

    from catdog_gui.core import prediction
    from catdog_gui.core.modelfile import model_info, save_model
    from catdog_gui.core.models import HeadSpec, build_classifier

    size = 512
    model = build_classifier("efficientnet-lite0", 2, HeadSpec(256), size)
    path = save_model(model_dir / "lite0-512.safetensors",
                      model, model_info(model, ["cats", "dogs"], size, "efficientnet-lite0", HeadSpec(256)))
    predictor = prediction.Predictor(path, device="cuda")
    pixels = torch.randint(0, 256, (512, 3, size, size), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    tried = []
    real = predictor._inference_model

    def logged(batch):
        tried.append(len(batch))
        return real(batch)

    predictor._inference_model = logged
    reference_batch = prediction.BATCH
    prediction.BATCH = 512
    started = time.perf_counter()
    try:
        big = predictor.probabilities_of(pixels)
        outcome = "answered"
    except Exception as error:  # noqa: BLE001 (reported)
        big, outcome = None, f"{type(error).__name__}: {error}"
    seconds = time.perf_counter() - started
    tried_big = list(tried)
    prediction.BATCH = 8
    small = predictor.probabilities_of(pixels[:64])
    prediction.BATCH = reference_batch
    return {"outcome": outcome, "batch_sizes_tried": tried_big[:12], "batches": len(tried_big),
            "seconds": round(seconds, 2),
            "max_difference_from_batches_of_8": None if big is None else float((big[:64] - small).abs().max())}


def check_features(data: Path, runs: Path, model_dir: Path) -> dict:
    from safetensors.torch import save_file

    from catdog_gui.core import training
    from catdog_gui.core.backbones import BACKBONES
    from catdog_gui.core.errors import UserError
    from catdog_gui.core.recipes import resolve_settings

    weights = model_dir / "lite0-random.safetensors"
    save_file({k: v.contiguous() for k, v in BACKBONES["efficientnet-lite0"].build().state_dict().items()},
              str(weights))
    tried = []
    real = training.map_in_batches

    def logged(function, total, batch_size):
        def call(start, stop):
            tried.append(stop - start)
            return function(start, stop)
        return real(call, total, batch_size)

    training.map_in_batches = logged
    training.EVAL_BATCH = 512
    settings = resolve_settings(str(data), "feature-extraction", epochs=1, image_size=512, batch_size=16,
                                device="cuda", weights_file=str(weights))
    started = time.perf_counter()
    try:
        finished = list(training.Training(settings, runs_dir=runs).run())[-1]
        outcome = f"finished, {finished.epochs} epoch, model saved: {bool(finished.model_path)}"
    except UserError as error:
        outcome = f"UserError: {error}"
    except Exception as error:  # noqa: BLE001 (reported)
        outcome = f"UNEXPECTED {type(error).__name__}: {error}"
    training.map_in_batches = real
    return {"outcome": outcome, "first_batch_sizes_tried": tried[:12], "seconds": round(time.perf_counter() - started, 2)}


CHECKS = ("training", "command_line", "prediction", "feature_extraction")
PER_SPLIT = (512, 64, 8)  # made-up photos per class: train, validation, test


def summary(report: dict, free_gib: float) -> list[str]:
    """The report as a Markdown table, one row per check (tracebacks stay in gpu_faults.json)."""
    def cell(value) -> str:
        if isinstance(value, dict):
            return "; ".join(f"{key}: {cell(item)}" for key, item in value.items())
        return str(value).replace("|", "\\|").replace("\n", " ")

    rows = [f"| {name} | {cell({k: v for k, v in report[name].items() if k != 'traceback'})} |"
            for name in CHECKS if name in report]
    train, validation, test = PER_SPLIT
    return [
        f"Machine: {machine()}; {report['gpu']} ({report['total_gib']} GiB); `python bench/gpu_faults.py "
        f"--free-gib {free_gib:g}`: one tensor fills the GPU but for {report['free_gib_left']} GiB (as another "
        f"program sharing it would); made-up photos, {train} train, {validation} validation and {test} test per class.",
        "",
        "| check | what happened |",
        "|---|---|",
        *rows,
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--free-gib", type=float, default=3.0)
    parser.add_argument("--out", default=os.environ.get("OUT", "."))
    args = parser.parse_args()

    import torch

    if not torch.cuda.is_available():
        sys.exit("gpu_faults: no CUDA GPU here")
    free, total = torch.cuda.mem_get_info()
    ballast = torch.empty(max(0, int(free - args.free_gib * GIB)), dtype=torch.uint8, device="cuda")
    ballast_mib = allocated_mib()
    report = {"gpu": torch.cuda.get_device_name(), "total_gib": round(total / GIB, 1),
              "free_gib_left": round(torch.cuda.mem_get_info()[0] / GIB, 2), "torch": torch.__version__}
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        os.environ["CATDOG_GUI_CACHE"] = str(temp / "cache")
        data = made_up_dataset(temp / "photos", PER_SPLIT, size=(64, 64), suffix=".png")
        for name, check in (("training", lambda: check_training(data, temp / "runs", ballast_mib)),
                            ("command_line", lambda: check_cli(data, temp / "cli-runs")),
                            ("prediction", lambda: check_prediction(temp)),
                            ("feature_extraction", lambda: check_features(data, temp / "fe-runs", temp))):
            started = time.perf_counter()
            try:
                report[name] = check()
            except Exception as error:  # noqa: BLE001 (one check failing must not hide the others)
                report[name] = {"check_failed": f"{type(error).__name__}: {error}",
                                "traceback": traceback.format_exc()[-3000:]}
            print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    del ballast
    text = json.dumps(report, indent=2)
    print(text)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "gpu_faults.json").write_text(text)
    write_section("Out of GPU memory, for real", summary(report, args.free_gib))


if __name__ == "__main__":
    main()
