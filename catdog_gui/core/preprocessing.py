"""The one place that turns photos into model input, for training, evaluation and prediction alike.

Every image is decoded by :func:`catdog_gui.core.images.load_pixels` into square uint8 pixels (the
lecture squashes photos to 150x150), kept as ``(S, S, 3)`` rows (in the disk-backed pixel store of
:mod:`.store` during training, in chunks elsewhere), seen by models as ``(N, 3, S, S)`` and turned into
float input in [0, 1] per batch. Normalisation is part of the model itself, so exported models
and the predictor need nothing but this resize and scale. Augmentation runs on whole batches, on the
training split only; test-time augmentation (:func:`test_time_views`) is the predictor's, on request.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
import torch.nn.functional as F

from .images import Skipped, UnusableImage, load_pixels
from .specs import FILL_MODES, Augmentation  # noqa: F401 (also imported from here)

DECODE_THREADS = min(8, (os.cpu_count() or 1) + 1)
DECODE_CHUNK = 256  # photos decoded at a time where they are not kept (evaluation, prediction, extraction)
# FILL_MODES and Augmentation are in specs.py (no torch), imported from here too.


def decode_into(paths: list[str], size: int, out: np.ndarray, progress=None) -> list[Skipped | None]:
    """Decode ``paths`` in parallel threads (Pillow releases the GIL) into ``out[i]`` (``(N, S, S, 3)``
    uint8, in memory or memory-mapped). Returns, per path, None or why it was skipped.
    ``progress(done, total)`` is called as images finish."""
    def decode(index: int):
        try:
            out[index] = load_pixels(paths[index], size)
            return None
        except UnusableImage as reason:
            return Skipped(paths[index], str(reason))

    problems = []
    with ThreadPoolExecutor(max_workers=DECODE_THREADS) as pool:
        for index, problem in enumerate(pool.map(decode, range(len(paths)), chunksize=16)):
            problems.append(problem)
            if progress is not None and (index % 64 == 63 or index == len(paths) - 1):
                progress(index + 1, len(paths))
    return problems


def decode_all(paths: list[str], size: int, progress=None) -> tuple[torch.Tensor, list[int], list[Skipped]]:
    """Decode ``paths`` into one uint8 ``(N, 3, S, S)`` tensor (channels-last in memory).

    Returns the pixels of the usable images, their indices in ``paths``, and the skipped files.
    """
    pixels = np.empty((len(paths), size, size, 3), dtype=np.uint8)
    problems = decode_into(paths, size, pixels, progress)
    kept = [i for i, problem in enumerate(problems) if problem is None]
    skipped = [problem for problem in problems if problem is not None]
    return nchw(pixels[kept] if len(kept) < len(paths) else pixels), kept, skipped


def decode_in_chunks(paths: list[str], size: int, progress=None):
    """:func:`decode_all` :data:`DECODE_CHUNK` photos at a time, so that memory does not grow with the
    number of photos: yields ``(pixels, indices in paths, skipped)`` per chunk; ``progress(done, total)``."""
    for start in range(0, len(paths), DECODE_CHUNK):
        part = paths[start:start + DECODE_CHUNK]
        report = None if progress is None else (lambda done, _, s=start: progress(s + done, len(paths)))
        pixels, kept, skipped = decode_all(part, size, report)
        yield pixels, [start + i for i in kept], skipped


def nchw(pixels) -> torch.Tensor:
    """``(N, S, S, 3)`` uint8 rows (NumPy or torch) as the ``(N, 3, S, S)`` view the models take."""
    tensor = torch.from_numpy(pixels) if isinstance(pixels, np.ndarray) else pixels
    return tensor.permute(0, 3, 1, 2)


def to_input(pixels: torch.Tensor, device: torch.device) -> torch.Tensor:
    """uint8 ``(N, 3, S, S)`` -> float in [0, 1] on ``device``, channels-last (faster convolutions)."""
    batch = pixels.to(device, non_blocking=True).float().div_(255.0)
    return batch.contiguous(memory_format=torch.channels_last)


def test_time_views(batch: torch.Tensor) -> list[torch.Tensor]:
    """The views of a float batch (from :func:`to_input`) that test-time augmentation asks a model about:
    the photos themselves and their horizontal mirror images.

    A prediction with test-time augmentation is the mean of the class probabilities over these views.
    Crops (the centre and four corners, 7/8 of the side, each also mirrored) were measured as well and
    left out: on the real test photos (catsdogs, three splits of flowers17) they added no accuracy to
    the mirror image's, at two to six times its cost.

    Parameters
    ----------
    batch : torch.Tensor
        Float input ``(N, 3, S, S)``.

    Returns
    -------
    list of torch.Tensor
        Batches of the same shape, the unchanged one first.
    """
    return [batch, batch.flip(-1).contiguous(memory_format=torch.channels_last)]


def image_to_input(array: np.ndarray) -> torch.Tensor:
    """One ``load_pixels`` array (H, W, 3) -> a uint8 ``(1, 3, H, W)`` tensor for :func:`to_input`."""
    return torch.from_numpy(np.array(array, dtype=np.uint8)).permute(2, 0, 1).unsqueeze(0)


def augment(batch: torch.Tensor, settings: Augmentation, generator: torch.Generator) -> torch.Tensor:
    """Randomly transform a float batch in [0, 1] (from :func:`to_input`), each image on its own.

    One affine warp per image (rotation, shift, shear, zoom, flips) done for the whole batch by a
    single ``grid_sample``, then colour jitter; all on the batch's device.
    """
    n = batch.shape[0]

    def uniform(limit: float) -> torch.Tensor:
        return (torch.rand(n, generator=generator) * 2 - 1) * limit

    angle = uniform(math.radians(settings.rotation))
    shear = uniform(math.radians(settings.shear))
    zoom_x = 1 + uniform(settings.zoom)
    zoom_y = 1 + uniform(settings.zoom)
    flip_x = _random_signs(n, settings.horizontal_flip, generator)
    flip_y = _random_signs(n, settings.vertical_flip, generator)
    shift_x = uniform(settings.width_shift) * 2  # normalised coordinates span 2
    shift_y = uniform(settings.height_shift) * 2
    cos, sin = torch.cos(angle), torch.sin(angle)
    # theta maps output to input coordinates: rotate, shear, zoom and flip, then shift.
    a = torch.stack([cos, -sin + cos * torch.tan(shear)], 1)
    b = torch.stack([sin, cos + sin * torch.tan(shear)], 1)
    linear = torch.stack([a, b], 1) * torch.stack([zoom_x * flip_x, zoom_y * flip_y], 1).unsqueeze(1)
    theta = torch.cat([linear, torch.stack([shift_x, shift_y], 1).unsqueeze(2)], 2)
    geometric = (settings.rotation, settings.width_shift, settings.height_shift, settings.shear, settings.zoom)
    if any(geometric) or settings.horizontal_flip or settings.vertical_flip:
        grid = F.affine_grid(theta.to(batch.device, batch.dtype), list(batch.shape), align_corners=False)
        batch = F.grid_sample(
            batch, grid, mode="bilinear", padding_mode=FILL_MODES[settings.fill_mode], align_corners=False
        )
    return _jitter_colours(batch, settings, generator).clamp_(0, 1)


def _random_signs(n: int, enabled: bool, generator: torch.Generator) -> torch.Tensor:
    if not enabled:
        return torch.ones(n)
    return torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0)


def _jitter_colours(batch: torch.Tensor, settings: Augmentation, generator: torch.Generator) -> torch.Tensor:
    n = batch.shape[0]

    def factors(limit: float) -> torch.Tensor:
        values = 1 + (torch.rand(n, generator=generator) * 2 - 1) * limit
        return values.to(batch.device, batch.dtype).view(n, 1, 1, 1)

    if settings.brightness:
        batch = batch * factors(settings.brightness)
    if settings.contrast:
        mean = batch.mean(dim=(1, 2, 3), keepdim=True)
        batch = (batch - mean) * factors(settings.contrast) + mean
    if settings.saturation:
        gray = (batch * torch.tensor([0.299, 0.587, 0.114], device=batch.device).view(1, 3, 1, 1)).sum(1, True)
        batch = (batch - gray) * factors(settings.saturation) + gray
    return batch
