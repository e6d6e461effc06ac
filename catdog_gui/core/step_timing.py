"""Timing one batch of a network's forward pass and training step on a device, for the time estimates
of :mod:`.estimates` (which is free of torch; this module is not)."""

from __future__ import annotations

import time

import torch
from torch import nn

from .device import autocast, pick_device, resolve_precision
from .estimates import StepTimes
from .models import build_classifier
from .names import SCRATCH
from .specs import HeadSpec

# The batch timed: (image side in px, images), near the recipes' own sizes (150 and 224 px). At 64 px a
# pretrained base's small feature maps cost more per pixel, and the (size / measured size)² scaling
# overstated its runs 3-4 times on a CPU; at 160 px a measurement takes about a second there (VGG16: 4 s,
# mostly building it). A GPU gets a larger batch, so that it times the arithmetic, not kernel launches.
CPU_MEASURE_SHAPE = (160, 8)
GPU_MEASURE_SHAPE = (224, 32)
MEASURE_HEAD = HeadSpec(256)  # the head is a small part of the work; its size hardly matters


def measure_step_times(network: str, device: str | torch.device, image_size: int | None = None,
                       batch_size: int | None = None, precision: str = "auto") -> StepTimes:
    """Seconds per image of a forward pass and of a training step of ``network`` on ``device``.

    Each is run once to warm up (kernel choice, memory) and once timed. The weights are random: they
    take as long as trained ones. A pretrained base trains as fine-tuning does, its lower part frozen
    and its top block and head trained; the small CNN trains whole.

    Parameters
    ----------
    network
        A backbone's name, or ``SCRATCH`` for the lecture's small CNN.
    device
        A torch device, or a name that :func:`.device.pick_device` takes.
    image_size, batch_size
        The batch timed; by default one that suits the kind of device (CPU_MEASURE_SHAPE, GPU_MEASURE_SHAPE).
    precision
        As a run's ``precision`` setting: ``"auto"`` times what a run would use there.

    Returns
    -------
    StepTimes
        Seconds per image at ``image_size``; :meth:`.estimates.StepTimes.scaled` takes them to a run's size.
    """
    device = pick_device(device) if isinstance(device, str) else device
    shape = CPU_MEASURE_SHAPE if device.type == "cpu" else GPU_MEASURE_SHAPE
    image_size, batch_size = image_size or shape[0], batch_size or shape[1]
    model = build_classifier(network, 2, MEASURE_HEAD, image_size).to(device, memory_format=torch.channels_last)
    pretrained = network != SCRATCH
    model.requires_grad_(not pretrained)
    model.top.requires_grad_(True)
    model.head.requires_grad_(True)
    optimizer = torch.optim.RMSprop([p for p in model.parameters() if p.requires_grad], lr=1e-5)
    images = torch.rand(batch_size, 3, image_size, image_size, device=device).contiguous(
        memory_format=torch.channels_last)
    labels = torch.randint(0, 2, (batch_size,), device=device).float()
    precision = resolve_precision(device, precision)

    def forward() -> None:
        model.eval()
        with torch.no_grad(), autocast(device, precision):
            model(images)

    def train_step() -> None:
        model.train()
        optimizer.zero_grad(set_to_none=True)
        with autocast(device, precision):
            logits = model.head(model.features(images, lower_grad=not pretrained))
        loss = nn.functional.binary_cross_entropy_with_logits(logits.float().squeeze(1), labels)
        loss.backward()
        optimizer.step()

    return StepTimes(_timed(forward, device) / batch_size, _timed(train_step, device) / batch_size, image_size)


def _timed(step, device: torch.device) -> float:
    """Seconds that ``step`` takes on ``device`` after one run to warm up."""
    step()
    _synchronize(device)
    start = time.perf_counter()
    step()
    _synchronize(device)
    return time.perf_counter() - start


def _synchronize(device: torch.device) -> None:
    """Wait for the work queued on a GPU, so that the clock measures it."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()
