"""Time estimates: the torch-free arithmetic of core/estimates.py, and one batch timed on the CPU."""

from __future__ import annotations

import pytest

from catdog_gui.core.estimates import (CPU_GFLOPS_PER_THREAD_SCRATCH, DECODE_SECONDS_PER_IMAGE, DEVICE_GFLOPS,
                                       EPOCH_OVERHEAD_SECONDS, FEATURE_EPOCH_SECONDS, FINE_TUNE_COST, StepTimes,
                                       estimate_seconds, rated_step_times)
from catdog_gui.core.names import (CPU_DEVICE, CUDA_DEVICE, FEATURE_EXTRACTION_AUGMENTED_RECIPE,
                                   FEATURE_EXTRACTION_RECIPE, FINE_TUNING_RECIPE, SCRATCH, SCRATCH_RECIPE)
from catdog_gui.core.recipes import RECIPES

COUNTS = {"train": 100, "validation": 20, "test": 10}
TIMES = StepTimes(forward=0.01, train=0.03, image_size=150)
DECODE = 130 * DECODE_SECONDS_PER_IMAGE  # one thread


def test_step_times_scale_with_the_pixels():
    doubled = TIMES.scaled(300)
    assert doubled.forward == pytest.approx(0.04) and doubled.train == pytest.approx(0.12)
    assert doubled.image_size == 300 and TIMES.scaled(150) == TIMES


def test_feature_extraction_passes_every_photo_once_and_the_head_epochs_are_nearly_free():
    seconds = estimate_seconds(RECIPES[FEATURE_EXTRACTION_RECIPE], 30, 0, COUNTS, TIMES)
    assert seconds == pytest.approx(DECODE + 130 * 0.01 + 30 * FEATURE_EPOCH_SECONDS)


def test_scratch_trains_every_training_photo_and_validates_every_epoch():
    seconds = estimate_seconds(RECIPES[SCRATCH_RECIPE], 5, 0, COUNTS, TIMES)
    work = 5 * (100 * 0.03 + 20 * 0.01) + 10 * 0.01
    assert seconds == pytest.approx(DECODE + work + 5 * EPOCH_OVERHEAD_SECONDS)


def test_a_frozen_augmented_base_passes_forward_and_fine_tuning_trains_its_top():
    frozen = estimate_seconds(RECIPES[FEATURE_EXTRACTION_AUGMENTED_RECIPE], 4, 0, COUNTS, TIMES)
    assert frozen == pytest.approx(DECODE + (20 * 0.01) + (4 * 100 * 0.01 + 20 * 0.01) + 10 * 0.01
                                   + 4 * EPOCH_OVERHEAD_SECONDS)
    tuned = estimate_seconds(RECIPES[FINE_TUNING_RECIPE], 4, 2, COUNTS, TIMES)
    head_phase = 2 * 100 * 0.01 + 20 * 0.01
    top_phase = 4 * 100 * 0.03 + 20 * 0.01
    assert tuned == pytest.approx(DECODE + head_phase + top_phase + 10 * 0.01 + 6 * EPOCH_OVERHEAD_SECONDS)


def test_decoding_spreads_over_threads_up_to_a_limit():
    one = estimate_seconds(RECIPES[SCRATCH_RECIPE], 1, 0, COUNTS, TIMES, threads=1)
    four = estimate_seconds(RECIPES[SCRATCH_RECIPE], 1, 0, COUNTS, TIMES, threads=4)
    assert one - four == pytest.approx(DECODE * 3 / 4)


def test_before_a_measurement_the_times_come_from_flops_and_a_rough_rate():
    scratch = rated_step_times(False, 2.9, 150, CPU_DEVICE, threads=2)
    assert scratch.forward == pytest.approx(2.9 / (2 * CPU_GFLOPS_PER_THREAD_SCRATCH))
    assert scratch.train == pytest.approx(3 * scratch.forward) and scratch.image_size == 150
    pretrained = rated_step_times(True, 40.0, 224, CUDA_DEVICE, threads=2)
    assert pretrained.forward == pytest.approx(40.0 / DEVICE_GFLOPS[CUDA_DEVICE])
    assert pretrained.train == pytest.approx(FINE_TUNE_COST * pretrained.forward)


def test_one_batch_of_the_small_cnn_is_timed_on_the_cpu():
    from catdog_gui.core.step_timing import measure_step_times

    times = measure_step_times(SCRATCH, "cpu", image_size=64, batch_size=2)
    assert times.forward > 0 and times.train > 0 and times.image_size == 64
