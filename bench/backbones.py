"""The built-in EfficientNet-Lites as ImageNet classifiers on the real photos, and their speed on this CPU.

    python bench/backbones.py [--data DIR] [--backbones efficientnet-lite0,efficientnet-lite1,...]

Each backbone runs whole (its ImageNet classifier included) with its built-in weights, at its native
size, on every photo of DATA's test split, decoded and squashed to that size by the app's own reader.
A cat counts as right when its top ImageNet class is a domestic cat (281-285), a dog when it is a dog
breed (151-268): a check that the weights are mapped right, and how well each network sees the two
kinds before any training. Speed is the forward passes alone over all the photos: float32, batch 32,
channels-last like the app, with torch's default threads, after one warm-up batch. Writes a section
of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DATA, machine, write_section  # noqa: E402

from catdog_gui.core import preprocessing  # noqa: E402
from catdog_gui.core.backbones import BACKBONES  # noqa: E402

IMAGENET_CATS = range(281, 286)
IMAGENET_DOGS = range(151, 269)
BATCH = 32
TITLE = "Built-in EfficientNet-Lites as ImageNet classifiers"


def _busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy since it started (all cores, from /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # less idle and iowait


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def classify(name: str, data: Path) -> dict:
    """Top ImageNet class of every test photo, the forward passes' images per second, and the share of
    the machine's cores that other processes used meanwhile (above a few percent, the speed is low)."""
    spec = BACKBONES[name]
    net = spec.build()
    net.load_state_dict(spec.builtin_weights()[0])
    net = net.eval().to(memory_format=torch.channels_last)
    files = {kind: sorted(str(p) for p in (data / "test" / kind).glob("*.jpg")) for kind in ("cats", "dogs")}
    pixels, _, skipped = preprocessing.decode_all(files["cats"] + files["dogs"], spec.image_size)
    assert not skipped, skipped
    mean, std = torch.tensor(spec.mean).view(1, 3, 1, 1), torch.tensor(spec.std).view(1, 3, 1, 1)
    batches = [(preprocessing.to_input(pixels[i:i + BATCH], torch.device("cpu")) - mean) / std
               for i in range(0, len(pixels), BATCH)]
    labels = []
    with torch.inference_mode():
        net(batches[0])
        busy, own, started = _busy_cpu_seconds(), _own_cpu_seconds(), time.perf_counter()
        for x in batches:
            labels += net(x).argmax(1).tolist()
        seconds = time.perf_counter() - started
    others = (_busy_cpu_seconds() - busy) - (_own_cpu_seconds() - own)
    cats, dogs = labels[:len(files["cats"])], labels[len(files["cats"]):]
    return {
        "size": spec.image_size, "gflops": spec.gflops, "cats": len(cats), "dogs": len(dogs),
        "cat_share": sum(label in IMAGENET_CATS for label in cats) / len(cats),
        "dog_share": sum(label in IMAGENET_DOGS for label in dogs) / len(dogs),
        "rate": len(labels) / seconds,
        "others_cpu": max(0.0, others) / (seconds * (os.cpu_count() or 1)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--backbones", default=",".join(n for n, b in BACKBONES.items() if b.builtin_weights))
    args = parser.parse_args()
    rows = []
    for name in args.backbones.split(","):
        r = classify(name, Path(args.data))
        rows.append(f"| {name} | {r['size']} | {r['gflops']:.2f} | {r['cat_share']:.1%} of {r['cats']} "
                    f"| {r['dog_share']:.1%} of {r['dogs']} | {r['rate']:.1f} | {100 * r['others_cpu']:.0f} % |")
        print(rows[-1], flush=True)
    lines = [
        f"Machine: {machine()}; {torch.get_num_threads()} torch threads, float32, "
        f"batch {BATCH}, channels-last; `python bench/backbones.py`.",
        "",
        "Every photo of the test split, squashed to the native size by the app's reader, through the whole "
        "network with its built-in weights. *Cats as cats*: share of cat photos whose top ImageNet class is "
        "a domestic cat (281-285); *dogs as dogs*: dog photos whose top class is a dog breed (151-268). "
        "*img/s*: forward passes alone, after a warm-up batch. *Others' CPU*: the share of the machine's cores "
        "other processes used meanwhile (above a few percent, the speed is low).",
        "",
        "| backbone | px | GFLOP/img | cats as cats | dogs as dogs "
        "| img/s (forward passes only, after a warm-up batch) | others' CPU |",
        "|---|---|---|---|---|---|---|",
        *rows,
    ]
    write_section(TITLE, lines)


if __name__ == "__main__":
    main()
