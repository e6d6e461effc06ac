"""How long a run will take, from one batch timed on the device it will run on; free of torch.

:func:`.step_timing.measure_step_times` (which needs torch) times a batch of the real forward pass and
training step at a size near the recipes'; :func:`estimate_seconds` scales those seconds per image to the
run's image size, photos and epochs. Only the arithmetic lives here, so that the window can show an
estimate without loading torch, and tests can check it without a device.

The estimate follows what :mod:`.training` does per recipe:

- feature extraction: one forward pass of the base per photo, once (the features are kept); the head
  then trains on them, which is nearly free;
- a pretrained base without kept features (augmented, fine-tuning): per epoch, a pass of the base over
  every training photo (a forward pass while the base is frozen, a training step of its top block and
  head while it is fine-tuned) and a forward pass over the validation photos;
- the small CNN from scratch: a training step per training photo and a forward pass per validation
  photo, every epoch.

Every run ends with a forward pass over the test photos and decodes every photo once.
"""

from __future__ import annotations

from dataclasses import dataclass

from .names import CUDA_DEVICE, MPS_DEVICE

# Decoding a photo, per core (photos are decoded once and kept, see paths.DEFAULT_PIXEL_CACHE_GB).
DECODE_SECONDS_PER_IMAGE = 0.004
DECODE_THREADS = 8  # decoding stops getting faster beyond this many threads
# Per epoch, what a batch's timing leaves out: starting the epoch, checkpoints, metrics.
EPOCH_OVERHEAD_SECONDS = 0.2
FEATURE_EPOCH_SECONDS = 0.05  # an epoch of the head alone on kept features

# Until one batch has been timed on a device (in a worker, see step_timing.py), the window rests its
# estimate on FLOP counts and rough sustained rates (GFLOP/s) instead, from runs on a 2-core AVX-512
# CPU (bf16): the small CNN's training runs near 145 per core (11.5 s per lecture epoch), a pretrained
# base's thinner layers near 75; any GPU is taken for a flat rate. A training step costs about three
# forward passes; a fine-tuning step (frozen lower part forward, top block forward and backward) about
# FINE_TUNE_COST of them.
CPU_GFLOPS_PER_THREAD_SCRATCH = 145.0
CPU_GFLOPS_PER_THREAD_PRETRAINED = 75.0
FINE_TUNE_COST = 2.1
DEVICE_GFLOPS = {CUDA_DEVICE: 20_000.0, MPS_DEVICE: 2_000.0}


@dataclass(frozen=True)
class StepTimes:
    """Seconds per image of one network on one device, measured on one batch at ``image_size`` px.

    ``forward``: a forward pass without gradients (features, validation, test). ``train``: a training
    step (forward, backward, optimiser) of the part a recipe trains: the whole small CNN, or a
    pretrained base's top block and head.
    """

    forward: float
    train: float
    image_size: int

    def scaled(self, image_size: int) -> "StepTimes":
        """These times at ``image_size`` px: a convolution's work grows with the pixels, the side squared."""
        factor = (image_size / self.image_size) ** 2
        return StepTimes(self.forward * factor, self.train * factor, image_size)


def estimate_seconds(recipe, epochs: int, head_epochs: int, counts: dict[str, int], times: StepTimes,
                     threads: int = 1) -> float:
    """A rough duration of a run, in seconds.

    Parameters
    ----------
    recipe
        A :class:`.recipes.Recipe`: its ``cached_features``, ``pretrained`` and ``fine_tune_lr`` say
        which passes the run makes.
    epochs, head_epochs
        The run's epochs, and (fine-tuning) the epochs of the head before the top block is trained.
    counts
        Photos per split: ``"train"``, ``"validation"``, ``"test"``.
    times
        The measured :class:`StepTimes` of the run's network on the run's device, at any image size;
        scale them first with :meth:`StepTimes.scaled` to the run's.
    threads
        CPU threads that decode the photos.
    """
    n_train, n_val, n_test = (counts.get(split, 0) for split in ("train", "validation", "test"))
    total = n_train + n_val + n_test
    decode = total * DECODE_SECONDS_PER_IMAGE / max(1, min(threads, DECODE_THREADS))
    forward, train = times.forward, times.train
    if recipe.cached_features:
        work = forward * total
        overhead = FEATURE_EPOCH_SECONDS * epochs
    elif not recipe.pretrained:
        work = epochs * (train * n_train + forward * n_val) + forward * n_test
        overhead = EPOCH_OVERHEAD_SECONDS * epochs
    else:
        # The head trains behind the frozen base (a forward pass) for head_epochs, then, when the recipe
        # fine-tunes, the top block trains too; validation photos pass the frozen part once per phase.
        head_phase = head_epochs * forward * n_train + forward * n_val
        if recipe.fine_tune_lr:
            later_phase = epochs * train * n_train + forward * n_val
        else:
            later_phase = epochs * forward * n_train + forward * n_val
        work = head_phase + later_phase + forward * n_test
        overhead = EPOCH_OVERHEAD_SECONDS * (epochs + head_epochs)
    return decode + work + overhead


# ---- before a measurement: from FLOPs -------------------------------------------------------------

def small_cnn_gflops(size: int) -> float:
    """Forward GFLOPs of the lecture's small CNN (models.small_cnn_base) for one image of ``size`` px."""
    flops, side, channels = 0.0, size, 3
    for filters in (32, 64, 128, 128):
        side -= 2
        flops += 2 * side * side * channels * filters * 9
        side //= 2
        channels = filters
    flops += 2 * side * side * channels * 512
    return flops / 1e9


def rated_step_times(pretrained: bool, forward_gflops: float, image_size: int, device_type: str,
                     threads: int) -> StepTimes:
    """Rough :class:`StepTimes` from a network's forward GFLOPs per image at ``image_size`` and a rate
    assumed for ``device_type`` (``threads`` CPU threads): the stand-in until a batch has been timed."""
    per_thread = CPU_GFLOPS_PER_THREAD_PRETRAINED if pretrained else CPU_GFLOPS_PER_THREAD_SCRATCH
    forward = forward_gflops / DEVICE_GFLOPS.get(device_type, per_thread * max(1, threads))
    return StepTimes(forward, (FINE_TUNE_COST if pretrained else 3) * forward, image_size)
