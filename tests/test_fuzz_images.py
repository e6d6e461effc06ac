"""Fuzzing the image reader: random and mutated bytes give a clean refusal or a valid picture, quickly.

Valid little JPEG, PNG, GIF, BMP, WebP and TIFF files are the seeds; hypothesis flips bits, cuts,
splices, inserts and deletes bytes, and overwrites header fields with extreme values. Whatever comes
out, ``load_rgb`` and ``load_pixels`` must either refuse it with :class:`UnusableImage` or return an
8-bit RGB picture within the size limits, in well under a second.

The normal run tries a few hundred inputs (seconds). For a longer search:

    CATDOG_GUI_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz_images.py -q

or ``python bench/fuzz_images.py --minutes 10``, which runs this in fresh processes with new seeds
and keeps going after a crash, recording what it found.
"""

from __future__ import annotations

import faulthandler
import io
import json
import os
import struct
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from PIL import Image

from catdog_gui.core.images import (
    MAX_PIXELS,
    MIN_SIDE,
    UnusableImage,
    load_pixels,
    load_rgb,
)

EXAMPLES = int(os.environ.get("CATDOG_GUI_FUZZ_EXAMPLES") or 300)
SEED = os.environ.get("CATDOG_GUI_FUZZ_SEED")  # unset: the same inputs on every run (no flaky CI)
STATS = os.environ.get("CATDOG_GUI_FUZZ_STATS")  # a file to write the outcome counts to
SECONDS_PER_INPUT = 2.0  # a generous limit: seeds decode in about a millisecond
HANG_SECONDS = 60  # a decoder stuck in C code cannot be interrupted: end the process, with a traceback
PIXELS_SIZE = 24
EXTREMES = (b"\x00", b"\xff", b"\x7f", b"\x80", b"\x00\x00", b"\xff\xff", b"\x00\x00\x00\x00",
            b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff", b"\x80\x00\x00\x00")


def _seed_images() -> dict[str, bytes]:
    """Small valid files of every supported format and colour mode the reader meets."""
    rng = np.random.default_rng(0)
    rgb = Image.fromarray(rng.integers(0, 256, (16, 24, 3), dtype=np.uint8))

    def saved(image, fmt, **options) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format=fmt, **options)
        return buffer.getvalue()

    exif = rgb.getexif()
    exif[0x0112] = 6  # rotated
    palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    frames = [rgb, rgb.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    return {
        "jpeg": saved(rgb, "JPEG", quality=80),
        "jpeg-progressive-exif": saved(rgb, "JPEG", quality=80, progressive=True, exif=exif),
        "jpeg-cmyk": saved(rgb.convert("CMYK"), "JPEG"),
        "jpeg-gray": saved(rgb.convert("L"), "JPEG"),
        "png": saved(rgb, "PNG"),
        "png-palette-transparent": saved(palette, "PNG", transparency=0),
        "png-16-bit": saved(Image.fromarray(rng.integers(0, 65535, (16, 24), dtype=np.uint16)), "PNG"),
        "png-rgba": saved(rgb.convert("RGBA"), "PNG"),
        "gif-animated": saved(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50),
        "bmp": saved(rgb, "BMP"),
        "webp": saved(rgb, "WEBP", quality=80),
        "webp-lossless": saved(rgb.convert("RGBA"), "WEBP", lossless=True),
        "tiff": saved(rgb, "TIFF"),
        "tiff-deflate": saved(rgb, "TIFF", compression="tiff_adobe_deflate"),
    }


SEEDS = _seed_images()
SEED_NAMES = sorted(SEEDS)


# ---- mutations -------------------------------------------------------------------------------------

def flip_bits(data: bytes, positions: list[int]) -> bytes:
    out = bytearray(data)
    for position in positions:
        out[(position // 8) % len(out)] ^= 1 << (position % 8)
    return bytes(out)


def overwrite(data: bytes, position: int, field: bytes) -> bytes:
    """Put ``field`` at ``position`` (taken inside the first 256 bytes, where the headers are)."""
    position %= min(len(data), 256)
    return data[:position] + field + data[position + len(field):]


@st.composite
def mutated_images(draw) -> bytes:
    data = SEEDS[draw(st.sampled_from(SEED_NAMES))]
    kind = draw(st.sampled_from(["random", "flip", "truncate", "splice", "header", "insert", "delete", "mixed"]))
    if kind == "random":
        return draw(st.binary(max_size=4096))
    if kind in ("flip", "mixed"):
        data = flip_bits(data, draw(st.lists(st.integers(0, 8 * len(data) - 1), min_size=1, max_size=16)))
    if kind in ("truncate", "mixed"):
        data = data[:draw(st.integers(0, len(data)))]
    if kind == "splice":
        other = SEEDS[draw(st.sampled_from(SEED_NAMES))]
        data = data[:draw(st.integers(0, len(data)))] + other[draw(st.integers(0, len(other))):]
    if kind in ("header", "mixed") and data:
        for _ in range(draw(st.integers(1, 4))):
            field = draw(st.sampled_from(EXTREMES) | st.binary(min_size=1, max_size=4))
            data = overwrite(data, draw(st.integers(0, 255)), field)
    if kind == "insert":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    if kind == "delete" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + data[at + draw(st.integers(1, 64)):]
    return data


# ---- the property ------------------------------------------------------------------------------------

def check_reader(data: bytes) -> str:
    """Read ``data`` both ways; the outcome ("read" or the refusal's reason), or an AssertionError."""
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
    try:
        return _read_both_ways(data)
    finally:
        faulthandler.cancel_dump_traceback_later()


def _read_both_ways(data: bytes) -> str:
    started = time.perf_counter()
    try:
        image = load_rgb(io.BytesIO(data))
    except UnusableImage as refusal:
        outcome = str(refusal)
        assert outcome, "a refusal must say why"
    else:
        assert image.mode == "RGB"
        width, height = image.size
        assert min(width, height) >= MIN_SIDE and width * height <= MAX_PIXELS
        pixels = load_pixels(io.BytesIO(data), PIXELS_SIZE)
        assert pixels.shape == (PIXELS_SIZE, PIXELS_SIZE, 3) and pixels.dtype == np.uint8
        outcome = "read"
    seconds = time.perf_counter() - started
    assert seconds < SECONDS_PER_INPUT, f"{seconds:.1f} s to read {len(data)} bytes"
    return outcome


@pytest.fixture(scope="module")
def outcomes():
    """Counts of what happened, written to $CATDOG_GUI_FUZZ_STATS when it is set."""
    counts = Counter()
    yield counts
    if STATS:
        Path(STATS).write_text(json.dumps(dict(counts)))


def _fuzz_settings(test):
    test = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=SEED is None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])(test)
    return seed(int(SEED))(test) if SEED is not None else test


def test_seeds_are_valid_images_of_every_format():
    formats = {Image.open(io.BytesIO(data)).format for data in SEEDS.values()}
    assert formats == {"JPEG", "PNG", "GIF", "BMP", "WEBP", "TIFF"}
    assert all(check_reader(data) == "read" for data in SEEDS.values())


@_fuzz_settings
@given(data=mutated_images())
def test_mutated_images_are_read_or_refused_cleanly(outcomes, data):
    outcomes[check_reader(data).split(" (")[0]] += 1


@_fuzz_settings
@given(data=st.binary(max_size=2048))
def test_random_bytes_are_refused_cleanly(outcomes, data):
    outcomes[check_reader(data).split(" (")[0]] += 1


@pytest.mark.parametrize("name", ["png", "bmp", "tiff", "gif-animated", "webp", "jpeg"])
def test_every_truncation_of_a_seed_is_read_or_refused_cleanly(name):
    """Not random: the file cut after each of its first 200 bytes, and at every tenth after that."""
    data = SEEDS[name]
    cuts = list(range(min(len(data), 200))) + list(range(200, len(data), 10))
    read = [cut for cut in cuts if check_reader(data[:cut]) == "read"]  # the others refused cleanly, or it raised
    assert len(read) < len(cuts) / 2  # most cuts are refused...
    assert min(read, default=len(data)) >= 200  # ...every one in the first 200 bytes (too little for a picture)...
    assert check_reader(data) == "read"  # ...while the whole file reads: the cuts are what is refused


def test_a_jpeg_that_hides_missing_rows_behind_an_end_marker_is_refused():
    """A JPEG cut short and given its end marker back decodes without error, the rest grey: refuse it."""
    rng = np.random.default_rng(1)
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(buffer, format="JPEG")
    data = buffer.getvalue()
    cut = data[: len(data) * 3 // 4] + b"\xff\xd9"
    assert "truncated" in check_reader(cut)
    # A header claiming more rows than the data holds is the same thing from the other end.
    start = data.find(b"\xff\xc0")
    taller = data[:start + 5] + struct.pack(">H", 200) + data[start + 7:]
    assert Image.open(io.BytesIO(taller)).size == (64, 200)
    assert "truncated" in check_reader(taller)
