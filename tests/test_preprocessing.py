"""Photos to model input: decode_all, to_input and the batch augmentation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from catdog_gui.core.images import Skipped, load_pixels
from catdog_gui.core.preprocessing import Augmentation, augment, decode_all, image_to_input, to_input

CPU = torch.device("cpu")


def solid(path: Path, colour, size=(20, 14)) -> str:
    Image.new("RGB", size, colour).save(path)
    return str(path)


def random_batch(n=8, size=16, seed=0, low=0.0, high=1.0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return low + (high - low) * torch.rand(n, 3, size, size, generator=generator)


def gen(seed=0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --- decode_all -------------------------------------------------------------------------------------


def test_decode_all_keeps_good_files_and_lists_bad_ones_in_order(tmp_path):
    good_a = solid(tmp_path / "a.png", (255, 0, 0))
    empty = tmp_path / "empty.jpg"
    empty.touch()
    text = tmp_path / "text.png"
    text.write_text("not an image")
    good_b = solid(tmp_path / "b.jpg", (0, 0, 255))
    tiny = solid(tmp_path / "tiny.png", (0, 255, 0), size=(2, 2))
    paths = [good_a, str(empty), str(text), good_b, tiny]
    calls = []
    pixels, kept, skipped = decode_all(paths, 12, progress=lambda done, total: calls.append((done, total)))
    assert pixels.dtype == torch.uint8 and pixels.shape == (2, 3, 12, 12)
    assert kept == [0, 3]
    assert [s.path for s in skipped] == [str(empty), str(text), tiny]
    assert all(isinstance(s, Skipped) for s in skipped)
    assert "empty" in skipped[0].reason
    assert "not an image" in skipped[1].reason
    assert "too small" in skipped[2].reason
    assert (pixels[0, 0] == 255).all() and (pixels[0, 1:] == 0).all()
    assert (pixels[1, 2] > 240).all() and (pixels[1, :2] < 15).all()
    assert calls[-1] == (5, 5)


def test_decode_all_gives_the_same_pixels_as_load_pixels_in_path_order(tmp_path):
    rng = np.random.default_rng(1)
    paths = []
    for i in range(40):  # more than one worker chunk
        path = tmp_path / f"{i}.png"
        if i % 7 == 3:
            path.write_bytes(b"")
        else:
            Image.fromarray(rng.integers(0, 256, (10 + i, 30, 3), dtype=np.uint8)).save(path)
        paths.append(str(path))
    pixels, kept, skipped = decode_all(paths, 16)
    bad = [i for i in range(40) if i % 7 == 3]
    assert kept == [i for i in range(40) if i not in bad]
    assert [s.path for s in skipped] == [paths[i] for i in bad]
    assert pixels.shape == (len(kept), 3, 16, 16)
    for row, index in enumerate(kept):
        expected = torch.from_numpy(load_pixels(paths[index], 16)).permute(2, 0, 1)
        assert torch.equal(pixels[row], expected)


def test_decode_all_with_nothing_usable_gives_an_empty_batch(tmp_path):
    path = tmp_path / "x.png"
    path.write_text("no")
    pixels, kept, skipped = decode_all([str(path)], 8)
    assert pixels.shape == (0, 3, 8, 8) and kept == [] and len(skipped) == 1
    pixels, kept, skipped = decode_all([], 8)
    assert pixels.shape == (0, 3, 8, 8) and kept == [] and skipped == []


def test_progress_is_reported_in_steps_and_at_the_end(tmp_path):
    path = solid(tmp_path / "a.png", (1, 2, 3))
    calls = []
    decode_all([path] * 130, 8, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(64, 130), (128, 130), (130, 130)]


# --- to_input ---------------------------------------------------------------------------------------


def test_to_input_scales_uint8_to_float_in_unit_range():
    pixels = torch.randint(0, 256, (4, 3, 10, 10), dtype=torch.uint8, generator=gen(3))
    pixels[0, 0, 0, 0], pixels[0, 0, 0, 1] = 0, 255
    batch = to_input(pixels, CPU)
    assert batch.dtype == torch.float32 and batch.shape == (4, 3, 10, 10)
    assert batch.min() == 0.0 and batch.max() == 1.0
    assert torch.allclose(batch * 255, pixels.float(), atol=1e-4)
    assert batch.is_contiguous(memory_format=torch.channels_last)
    assert pixels.dtype == torch.uint8  # the stored pixels are left alone


def test_image_to_input_matches_decode_all(tmp_path):
    path = solid(tmp_path / "a.png", (10, 20, 30))
    pixels, _, _ = decode_all([path], 8)
    single = image_to_input(load_pixels(path, 8))
    assert single.shape == (1, 3, 8, 8) and torch.equal(single, pixels)


# --- Augmentation settings ----------------------------------------------------------------------------


def test_default_augmentation_is_inactive_and_lecture_is_active():
    assert Augmentation().active is False
    assert Augmentation(fill_mode="reflect").active is False  # the fill mode alone changes nothing
    assert Augmentation.lecture().active is True
    assert Augmentation(horizontal_flip=True).active is True
    assert Augmentation(brightness=0.1).active is True


def test_lecture_augmentation_has_the_lectures_settings():
    settings = Augmentation.lecture().as_dict()
    assert settings["rotation"] == 40 and settings["zoom"] == 0.2 and settings["shear"] == 0.2
    assert settings["width_shift"] == 0.2 and settings["height_shift"] == 0.2
    assert settings["horizontal_flip"] is True and settings["vertical_flip"] is False
    assert Augmentation(**settings) == Augmentation.lecture()


# --- augment ----------------------------------------------------------------------------------------


def test_default_augmentation_leaves_the_batch_unchanged():
    batch = random_batch()
    out = augment(batch.clone(), Augmentation(), gen())
    assert out.shape == batch.shape
    assert torch.allclose(out, batch, atol=1e-5)


def test_horizontal_flip_alone_gives_the_image_or_its_mirror_and_both_occur():
    batch = random_batch(n=64, size=12, seed=5)
    out = augment(batch.clone(), Augmentation(horizontal_flip=True), gen(1))
    mirrored = torch.flip(batch, dims=[3])
    same = [(out[i] - batch[i]).abs().max().item() < 1e-4 for i in range(64)]
    flipped = [(out[i] - mirrored[i]).abs().max().item() < 1e-4 for i in range(64)]
    assert all(a != b for a, b in zip(same, flipped))  # exactly one of the two, for every image
    assert 10 < sum(flipped) < 54


def test_vertical_flip_alone_mirrors_top_to_bottom():
    batch = random_batch(n=32, size=10, seed=6)
    out = augment(batch.clone(), Augmentation(vertical_flip=True), gen(2))
    upside_down = torch.flip(batch, dims=[2])
    flipped = [(out[i] - upside_down[i]).abs().max().item() < 1e-4 for i in range(32)]
    same = [(out[i] - batch[i]).abs().max().item() < 1e-4 for i in range(32)]
    assert all(a != b for a, b in zip(same, flipped)) and any(flipped) and any(same)


def test_lecture_augmentation_keeps_shape_and_range_and_changes_the_images():
    batch = random_batch(n=16, size=24, seed=7)
    original = batch.clone()
    out = augment(batch, Augmentation.lecture(), gen(3))
    assert out.shape == batch.shape and out.dtype == batch.dtype
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert torch.isfinite(out).all()
    assert torch.equal(batch, original)  # the input batch is not changed in place
    differences = (out - batch).abs().flatten(1).mean(1)
    assert (differences > 1e-3).all()  # every image was transformed


def test_colour_jitter_output_stays_in_unit_range():
    batch = random_batch(n=16, size=8, seed=8)
    settings = Augmentation(brightness=0.9, contrast=0.9, saturation=0.9)
    out = augment(batch, settings, gen(4))
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_same_generator_seed_gives_the_same_output_and_another_seed_does_not():
    batch = random_batch(n=8, size=16, seed=9)
    settings = replace(Augmentation.lecture(), brightness=0.2, contrast=0.2, saturation=0.2)
    first = augment(batch.clone(), settings, gen(42))
    assert torch.equal(augment(batch.clone(), settings, gen(42)), first)
    assert not torch.allclose(augment(batch.clone(), settings, gen(43)), first)


def test_brightness_scales_each_image_by_one_factor_within_the_limit():
    batch = random_batch(n=16, size=8, seed=10, low=0.2, high=0.8)
    out = augment(batch.clone(), Augmentation(brightness=0.2), gen(5))
    ratios = (out / batch).flatten(1)
    assert torch.allclose(ratios, ratios[:, :1].expand_as(ratios), atol=1e-5)  # one factor per image
    factors = ratios[:, 0]
    assert ((factors >= 0.8 - 1e-6) & (factors <= 1.2 + 1e-6)).all()
    assert (factors - 1).abs().max() > 0.01  # the pixels did change
    assert factors.std() > 0  # images get different factors


def test_contrast_changes_pixels_but_keeps_each_images_mean():
    batch = random_batch(n=16, size=8, seed=11, low=0.3, high=0.7)
    out = augment(batch.clone(), Augmentation(contrast=0.2), gen(6))
    assert (out - batch).abs().max() > 1e-3
    assert torch.allclose(out.mean(dim=(1, 2, 3)), batch.mean(dim=(1, 2, 3)), atol=1e-5)
    spread_ratio = out.flatten(1).std(1) / batch.flatten(1).std(1)
    assert ((spread_ratio > 0.8 - 1e-4) & (spread_ratio < 1.2 + 1e-4)).all()


def test_saturation_changes_colours_but_not_gray_images():
    colourful = random_batch(n=16, size=8, seed=12, low=0.3, high=0.7)
    out = augment(colourful.clone(), Augmentation(saturation=0.2), gen(7))
    assert (out - colourful).abs().max() > 1e-3
    gray = random_batch(n=16, size=8, seed=13, low=0.2, high=0.8)[:, :1].expand(-1, 3, -1, -1).contiguous()
    out = augment(gray.clone(), Augmentation(saturation=0.2), gen(7))
    assert torch.allclose(out, gray, atol=1e-5)


def test_fill_mode_decides_what_fills_the_uncovered_corners():
    ones = torch.ones(4, 3, 16, 16)
    settings = Augmentation(rotation=45, zoom=0.0)
    assert torch.allclose(augment(ones.clone(), settings, gen(8)), ones, atol=1e-5)  # "nearest" repeats the edge
    zeros = augment(ones.clone(), replace(settings, fill_mode="constant"), gen(8))
    assert (zeros < 0.5).any()  # "constant" fills with black


def test_augment_works_on_channels_last_input_from_to_input():
    pixels = torch.randint(0, 256, (4, 3, 16, 16), dtype=torch.uint8, generator=gen(9))
    batch = to_input(pixels, CPU)
    out = augment(batch, Augmentation.lecture(), gen(10))
    assert out.shape == (4, 3, 16, 16) and 0 <= out.min() and out.max() <= 1
    assert torch.equal(out, augment(batch.contiguous(), Augmentation.lecture(), gen(10)))
