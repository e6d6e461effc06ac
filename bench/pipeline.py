"""Where the time goes: the data pipeline against the training step, feature extraction against its
arithmetic floor, and the predictor's latency.

    python bench/pipeline.py [--data DIR] [--backbones efficientnet-lite0,vgg16,...]

Backbones run with random weights (speed does not depend on the values; nothing is downloaded).
Writes sections of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DATA, machine, write_section  # noqa: E402

from catdog_gui.core import preprocessing  # noqa: E402
from catdog_gui.core.backbones import BACKBONES  # noqa: E402
from catdog_gui.core.device import autocast, configure_runtime, pick_device, resolve_precision  # noqa: E402
from catdog_gui.core.modelfile import model_info, save_model  # noqa: E402
from catdog_gui.core.models import SCRATCH, build_classifier  # noqa: E402
from catdog_gui.core.prediction import Predictor  # noqa: E402
from catdog_gui.core.recipes import RECIPES  # noqa: E402


def rate(function, images: int, repeats: int = 3) -> float:
    """Best images per second over ``repeats`` calls (after one warm-up call)."""
    function()
    best = min(_timed(function) for _ in range(repeats))
    return images / best


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def matmul_gflops(dtype: torch.dtype) -> float:
    return _matmul_gflops_at(2048, dtype)


def _matmul_gflops_at(n: int, dtype: torch.dtype) -> float:
    a, b = torch.rand(n, n, dtype=dtype), torch.rand(n, n, dtype=dtype)
    seconds = min(_timed(lambda: a @ b) for _ in range(3))
    return 2 * n**3 / seconds / 1e9


def pipeline_vs_step(files: list[str], device, precision) -> list[str]:
    """Images per second of the loader alone (decode once, then batches from memory) and of a step."""
    rows = []
    decode_rate = rate(lambda: preprocessing.decode_all(files, 150), len(files), repeats=1)
    pixels, _, _ = preprocessing.decode_all(files, 150)
    generator = torch.Generator().manual_seed(0)
    for recipe_id in ("scratch", "scratch-augmented"):
        recipe = RECIPES[recipe_id]
        batch = recipe.batch_size
        augmentation = preprocessing.Augmentation.lecture() if recipe.augment else preprocessing.Augmentation()

        def load_epoch():
            order = torch.randperm(len(pixels), generator=generator)
            for start in range(0, len(pixels), batch):
                x = preprocessing.to_input(pixels[order[start:start + batch]], device)
                if augmentation.active:
                    preprocessing.augment(x, augmentation, generator)

        model = build_classifier(SCRATCH, 2, recipe.head, 150).to(device, memory_format=torch.channels_last)
        optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-4)
        x = preprocessing.to_input(pixels[:batch], device)
        y = torch.randint(0, 2, (batch,), device=device).float()

        def steps(count=20):
            for _ in range(count):
                with autocast(device, precision):
                    loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x).float().squeeze(1), y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()

        loader = rate(load_epoch, len(pixels), repeats=2)
        step = rate(steps, 20 * batch)
        rows.append(f"| {recipe_id} | {batch} | {loader:.0f} | {step:.0f} | {loader / step:.1f}x |")
    return [
        f"Decoding JPEG to 150 px uint8 (once per run): {decode_rate:.0f} images/s over {len(files)} photos.",
        "",
        "| recipe | batch | loader alone img/s (best of 2 epochs from memory) "
        "| training step img/s (best of 3 runs of 20 steps) | loader / step |",
        "|---|---|---|---|---|",
        *rows,
    ]


def extraction(names: list[str], device, precision) -> list[str]:
    floor_rate = matmul_gflops(torch.bfloat16 if precision == "bf16" else torch.float32)
    rows = []
    for name in names:
        spec = BACKBONES[name]
        size = spec.image_size
        model = build_classifier(name, 2, RECIPES["feature-extraction"].head, size).eval()
        model.to(device, memory_format=torch.channels_last)
        x = torch.rand(32, 3, size, size, device=device).contiguous(memory_format=torch.channels_last)

        def run():
            with torch.inference_mode(), autocast(device, precision):
                model.features(x)

        measured = rate(run, 32, repeats=2)
        floor = floor_rate / spec.gflops
        rows.append(f"| {name} | {size} | {spec.gflops} | {measured:.0f} | {floor:.0f} | {measured / floor:.0%} |")
    return [
        f"Arithmetic floor: GFLOP per image over a measured 2048^3 {precision} matrix product "
        f"({floor_rate:.0f} GFLOP/s here). Batch 32, {precision}.",
        "",
        "| backbone | px | GFLOP/img | measured img/s (extracting features, best of 2 batches) "
        "| floor img/s (matrix-product GFLOP/s over GFLOP/img) | of floor |",
        "|---|---|---|---|---|---|",
        *rows,
    ]


def small_cnn_epoch_floor(device, precision) -> list[str]:
    """The least time one lecture epoch of the small CNN can take here: its floating-point operations
    (counted by torch) over the measured matrix-product rate, the best case for convolutions."""
    from torch.utils.flop_counter import FlopCounterMode

    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    peak = max(matmul_gflops(dtype), _matmul_gflops_at(4096, dtype))
    rows = []
    for recipe_id, train_images in (("scratch", 2000), ("scratch-augmented", 2000)):
        recipe = RECIPES[recipe_id]
        model = build_classifier(SCRATCH, 2, recipe.head, 150).to(device)
        x = torch.rand(recipe.batch_size, 3, 150, 150, device=device)
        with FlopCounterMode(display=False) as counter:
            model(x).sum().backward()
        train_gflop = counter.get_total_flops() / recipe.batch_size / 1e9
        with FlopCounterMode(display=False) as counter, torch.no_grad():
            model.eval()(x)
        eval_gflop = counter.get_total_flops() / recipe.batch_size / 1e9
        epoch_tflop = (train_images * train_gflop + 1000 * eval_gflop) / 1000
        rows.append(f"| {recipe_id} | {train_gflop:.2f} | {eval_gflop:.2f} | {epoch_tflop:.2f} | "
                    f"{epoch_tflop * 1000 / peak:.1f} |")
    return [
        f"One epoch: {2000} training photos (forward and backward) and 1000 validation photos (forward), "
        f"150 px. Floor: the epoch's operations at the best {precision} matrix-product rate measured here "
        f"({peak:.0f} GFLOP/s); real convolutions run below that rate.",
        "",
        "| recipe | GFLOP per training image | GFLOP per validation image | TFLOP per epoch | floor s/epoch |",
        "|---|---|---|---|---|",
        *rows,
    ]


def predictor_latency(files: list[str]) -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, size in (("efficientnet-lite0", 224), (SCRATCH, 150)):
            head = RECIPES["feature-extraction" if name != SCRATCH else "scratch"].head
            model = build_classifier(name, 2, head, size)
            path = Path(folder) / f"{name}.safetensors"
            save_model(path, model, model_info(model, ["cats", "dogs"], size, name, head))
            started = time.perf_counter()
            predictor = Predictor(path)
            predictor.predict_paths(files[:1])
            cold = time.perf_counter() - started
            warm = [_timed(lambda f=f: predictor.predict_paths([f])) for f in files[1:41]]
            rows.append(f"| {name} | {size} | {cold * 1000:.0f} | {statistics.median(warm) * 1000:.1f} |")
    return [
        "Cold: load the model file and predict one photo. Warm: one photo at a time, median of 40.",
        "",
        "| model | px | cold ms | warm ms per image |",
        "|---|---|---|---|",
        *rows,
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--backbones", default=",".join(BACKBONES))
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    configure_runtime()
    device = pick_device(args.device)
    precision = resolve_precision(device)
    files = sorted(str(p) for p in Path(args.data, "train").rglob("*.jpg"))[:1000]
    header = f"Machine: {machine()}; device {device.type}, precision {precision}."
    for title, lines in (
        ("Data pipeline against the training step", pipeline_vs_step(files, device, precision)),
        ("Feature extraction against the arithmetic floor", extraction(args.backbones.split(","), device, precision)),
        ("Predictor latency", predictor_latency(files)),
        ("Small CNN: the arithmetic floor of an epoch", small_cnn_epoch_floor(device, precision)),
    ):
        print(f"## {title}\n" + "\n".join(lines), flush=True)
        write_section(title, [header, "", *lines])


if __name__ == "__main__":
    main()
