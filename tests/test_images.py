"""Safe image reading: every odd file either loads as upright 8-bit RGB or is refused with a reason."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from catdog_gui.core.images import MAX_PIXELS, MIN_SIDE, UnusableImage, load_pixels, load_rgb, skip_reason_for_name

ORIENTATION = 0x0112


def noise(size=(32, 32), seed=0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)


def save_jpeg(path: Path, size=(64, 64), **kwargs) -> Path:
    Image.fromarray(noise(size)).save(path, format="JPEG", quality=90, **kwargs)
    return path


def refused(path, *words: str) -> str:
    """Assert ``load_rgb(path)`` raises UnusableImage whose message contains all ``words``."""
    with pytest.raises(UnusableImage) as info:
        load_rgb(path)
    message = str(info.value)
    for word in words:
        assert word in message.lower(), f"{word!r} not in {message!r}"
    return message


def patch_png_size(data: bytes, width: int, height: int) -> bytes:
    """Rewrite a PNG's IHDR width and height and fix the chunk's CRC."""
    assert data[12:16] == b"IHDR"
    patched = bytearray(data)
    patched[16:24] = struct.pack(">II", width, height)
    patched[29:33] = struct.pack(">I", zlib.crc32(bytes(patched[12:29])))
    return bytes(patched)


def patch_jpeg_size(data: bytes, width: int, height: int) -> bytes:
    """Rewrite the dimensions in a baseline JPEG's SOF0 segment."""
    sof = data.find(b"\xff\xc0")
    assert sof > 0
    patched = bytearray(data)
    patched[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(patched)


# --- files that are not (usable) images ------------------------------------------------------------


def test_zero_byte_file_is_refused_as_empty(tmp_path):
    path = tmp_path / "empty.jpg"
    path.touch()
    refused(path, "empty", "0 bytes")


@pytest.mark.parametrize(
    "content",
    [b"just some notes, not a photo\n", b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<<>>\n%%EOF\n"],
    ids=["text", "pdf"],
)
def test_non_image_named_jpg_is_refused_as_not_an_image(tmp_path, content):
    path = tmp_path / "photo.jpg"
    path.write_bytes(content)
    refused(path, "not an image")


def test_truncated_jpeg_is_refused_as_truncated(tmp_path):
    data = save_jpeg(tmp_path / "whole.jpg").read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    refused(path, "truncated")


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_png_is_refused_as_truncated(tmp_path, keep):
    Image.fromarray(noise((48, 48))).save(tmp_path / "whole.png")
    data = (tmp_path / "whole.png").read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(data[: int(len(data) * keep)])
    refused(path, "truncated")


def test_jpeg_header_claiming_a_huge_size_is_refused_before_decoding(tmp_path):
    data = save_jpeg(tmp_path / "real.jpg").read_bytes()
    path = tmp_path / "liar.jpg"
    path.write_bytes(patch_jpeg_size(data, 60000, 60000))
    refused(path, "too large", "60000x60000")


def test_jpeg_header_claiming_a_bigger_size_gives_that_size_or_a_reason(tmp_path):
    # The data only holds 64x64 pixels; libjpeg may pad the rest (it reports that only as a warning).
    data = save_jpeg(tmp_path / "real.jpg").read_bytes()
    path = tmp_path / "liar.jpg"
    path.write_bytes(patch_jpeg_size(data, 300, 200))
    try:
        image = load_rgb(path)
    except UnusableImage as error:
        assert "damaged" in str(error) or "truncated" in str(error)
    else:
        assert image.mode == "RGB" and image.size == (300, 200)


@pytest.mark.parametrize("mode", ["1", "RGB"])
def test_decompression_bomb_png_is_refused_as_too_large(tmp_path, mode):
    Image.new(mode, (16, 16)).save(tmp_path / "small.png")
    path = tmp_path / "bomb.png"
    path.write_bytes(patch_png_size((tmp_path / "small.png").read_bytes(), 20000, 20000))
    assert path.stat().st_size < 1000
    with Image.open(path) as header:  # the patched header is valid: Pillow believes it
        assert header.size == (20000, 20000)
    message = refused(path, "too large", "20000x20000")
    assert str(MAX_PIXELS // 1_000_000) in message


def test_size_limit_is_on_pixels_not_on_one_side(tmp_path):
    # 20000 x 10 is long but has few pixels: fine.
    Image.new("RGB", (16, 16)).save(tmp_path / "small.png")
    path = tmp_path / "long.png"
    path.write_bytes(patch_png_size((tmp_path / "small.png").read_bytes(), 20000, 10))
    with pytest.raises(UnusableImage) as info:  # the data no longer fits the header...
        load_rgb(path)
    assert "too large" not in str(info.value)  # ...but it is not refused for its size


@pytest.mark.parametrize("size", [(3, 50), (50, 3), (1, 1), (MIN_SIDE - 1, MIN_SIDE - 1)])
def test_images_a_few_pixels_wide_are_refused_as_too_small(tmp_path, size):
    path = tmp_path / "tiny.png"
    Image.new("RGB", size, (10, 20, 30)).save(path)
    refused(path, "too small", f"{size[0]}x{size[1]}")


def test_smallest_allowed_side_loads(tmp_path):
    path = tmp_path / "edge.png"
    Image.new("RGB", (MIN_SIDE, MIN_SIDE), (10, 20, 30)).save(path)
    assert load_rgb(path).size == (MIN_SIDE, MIN_SIDE)


def test_folder_missing_file_and_link_loop_are_refused_with_reasons(tmp_path):
    refused(tmp_path, "folder")
    refused(tmp_path / "gone.jpg", "not found")
    loop = tmp_path / "loop.jpg"
    os.symlink(loop.name, loop)
    refused(loop, "cannot be read")


def test_file_without_read_permission_is_refused(tmp_path):
    path = tmp_path / "locked.png"
    Image.new("RGB", (16, 16)).save(path)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that read the file anyway (root)")
        refused(path, "permission")
    finally:
        path.chmod(0o644)


def test_garbage_file_object_is_refused(tmp_path):
    with pytest.raises(UnusableImage, match="not an image"):
        load_rgb(io.BytesIO(b"\x00\x01 definitely not an image"))


# --- colour modes: all become 8-bit RGB ------------------------------------------------------------


def test_cmyk_jpeg_becomes_rgb_with_the_right_colour(tmp_path):
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (32, 32), (0, 255, 255, 0)).save(path)  # no cyan, full magenta and yellow: red
    with Image.open(path) as raw:
        assert raw.mode == "CMYK"
    image = load_rgb(path)
    assert image.mode == "RGB"
    r, g, b = np.asarray(image)[16, 16].astype(int)
    assert r > 220 and g < 40 and b < 40
    assert np.asarray(load_pixels(path, 16)).shape == (16, 16, 3)


def test_16_bit_png_is_scaled_not_clipped_white(tmp_path):
    values = np.linspace(1000, 60000, 32 * 32).reshape(32, 32).astype(np.uint16)
    path = tmp_path / "deep.png"
    Image.fromarray(values).save(path)
    with Image.open(path) as raw:
        assert raw.mode.startswith("I")
    pixels = np.asarray(load_rgb(path))
    assert pixels.dtype == np.uint8 and pixels.shape == (32, 32, 3)
    assert (pixels[..., 0] == pixels[..., 1]).all() and (pixels[..., 1] == pixels[..., 2]).all()
    # 16-bit values are scaled to 8 bits as they are (60000 -> 233), not clipped to white
    assert np.abs(pixels[..., 0].astype(float) - values / 257.0).max() <= 1
    assert (pixels == 255).mean() < 0.05
    gray = pixels[..., 0].astype(int).ravel()
    assert (np.diff(gray) >= 0).all()  # the gradient keeps its order
    assert len(np.unique(gray)) > 100


def test_palette_png_with_transparency_puts_transparent_pixels_on_white(tmp_path):
    image = Image.new("P", (32, 32), 0)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)  # 0 red, 1 blue (transparent)
    image.paste(1, (0, 0, 16, 32))
    path = tmp_path / "palette.png"
    image.save(path, transparency=1)
    pixels = np.asarray(load_rgb(path))
    assert (pixels[:, :16] == 255).all()  # transparent blue -> white
    assert (pixels[:, 16:] == (255, 0, 0)).all()


def test_palette_png_without_transparency_keeps_its_colours(tmp_path):
    image = Image.new("P", (16, 16), 1)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    path = tmp_path / "palette.png"
    image.save(path)
    assert (np.asarray(load_rgb(path)) == (0, 0, 255)).all()


@pytest.mark.parametrize("mode,value", [("L", 77), ("LA", (77, 255))])
def test_grayscale_becomes_three_equal_channels(tmp_path, mode, value):
    path = tmp_path / "gray.png"
    Image.new(mode, (16, 16), value).save(path)
    image = load_rgb(path)
    assert image.mode == "RGB"
    assert (np.asarray(image) == 77).all()


def test_rgba_is_composited_over_white(tmp_path):
    rgba = np.zeros((32, 32, 4), np.uint8)
    rgba[..., 0] = 255  # red everywhere...
    rgba[:, 16:, 3] = 255  # ...opaque on the right,
    rgba[:16, 16:, 3] = 128  # half transparent top right, fully transparent on the left
    path = tmp_path / "alpha.png"
    Image.fromarray(rgba, "RGBA").save(path)
    image = load_rgb(path)
    assert image.mode == "RGB"
    pixels = np.asarray(image).astype(int)
    assert (pixels[:, :16] == 255).all()
    assert (pixels[16:, 16:] == (255, 0, 0)).all()
    half = pixels[:16, 16:]
    assert (half[..., 0] == 255).all() and (np.abs(half[..., 1:] - 127) <= 2).all()


def test_animated_gif_gives_its_first_frame(tmp_path):
    frames = [Image.new("RGB", (32, 32), colour) for colour in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    with Image.open(path) as raw:
        assert raw.n_frames == 3
    image = load_rgb(path)
    assert image.mode == "RGB" and image.size == (32, 32)
    assert (np.asarray(image) == (255, 0, 0)).all()


@pytest.mark.parametrize("suffix", [".bmp", ".webp", ".tiff"])
def test_other_supported_formats_load(tmp_path, suffix):
    path = tmp_path / f"photo{suffix}"
    Image.new("RGB", (20, 12), (0, 200, 0)).save(path)
    image = load_rgb(path)
    assert image.size == (20, 12)
    assert np.abs(np.asarray(image).astype(int) - (0, 200, 0)).max() <= 8


# --- EXIF orientation -------------------------------------------------------------------------------


def rotated_jpeg(path: Path, orientation: int) -> Path:
    """A 40x20 (wide) black JPEG with a red 6x6 mark in its stored top-left corner and an EXIF orientation."""
    pixels = np.zeros((20, 40, 3), np.uint8)
    pixels[:6, :6] = (255, 0, 0)
    image = Image.fromarray(pixels)
    exif = image.getexif()
    exif[ORIENTATION] = orientation
    image.save(path, exif=exif, quality=95)
    return path


def red_corner(pixels: np.ndarray) -> str:
    corners = {
        "top-left": pixels[1, 1],
        "top-right": pixels[1, -2],
        "bottom-left": pixels[-2, 1],
        "bottom-right": pixels[-2, -2],
    }
    red = [name for name, (r, g, b) in corners.items() if r > 200 and g < 60 and b < 60]
    assert len(red) == 1, corners
    return red[0]


@pytest.mark.parametrize(
    "orientation,size,corner",
    [
        (1, (40, 20), "top-left"),
        (3, (40, 20), "bottom-right"),  # upside down
        (6, (20, 40), "top-right"),  # shown turned 90 degrees clockwise
        (8, (20, 40), "bottom-left"),  # shown turned 90 degrees anticlockwise
    ],
)
def test_exif_orientation_makes_the_image_upright(tmp_path, orientation, size, corner):
    path = rotated_jpeg(tmp_path / f"rot{orientation}.jpg", orientation)
    image = load_rgb(path)
    assert image.size == size
    assert red_corner(np.asarray(image)) == corner
    # The resized pixels used for training see the same upright picture.
    assert red_corner(load_pixels(path, 16)) == corner


# --- load_pixels ---------------------------------------------------------------------------------


def test_load_pixels_squashes_to_a_square_uint8_array(tmp_path):
    pixels = np.zeros((30, 60, 3), np.uint8)
    pixels[:, :30] = (255, 0, 0)
    pixels[:, 30:] = (0, 0, 255)
    path = tmp_path / "wide.png"
    Image.fromarray(pixels).save(path)
    out = load_pixels(path, 20)
    assert out.shape == (20, 20, 3) and out.dtype == np.uint8
    assert (out[:, :8] == (255, 0, 0)).all() and (out[:, 12:] == (0, 0, 255)).all()  # squashed, not cropped


def test_load_pixels_of_a_big_jpeg_uses_the_draft_and_keeps_the_picture(tmp_path):
    pixels = np.zeros((600, 800, 3), np.uint8)
    pixels[:300] = (250, 250, 250)
    path = tmp_path / "big.jpg"
    Image.fromarray(pixels).save(path, quality=95)
    out = load_pixels(path, 50).astype(int)
    assert out.shape == (50, 50, 3)
    assert out[:20].min() > 230 and out[30:].max() < 25


def test_load_pixels_accepts_a_file_object(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (24, 24), (1, 2, 3)).save(buffer, format="PNG")
    buffer.seek(0)
    assert (load_pixels(buffer, 12) == (1, 2, 3)).all()


def test_load_pixels_refuses_what_load_rgb_refuses(tmp_path):
    path = tmp_path / "empty.png"
    path.touch()
    with pytest.raises(UnusableImage, match="empty"):
        load_pixels(path, 16)


# --- judged by name alone -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,words",
    [
        (".DS_Store", ["system"]),
        ("Thumbs.db", ["system"]),
        ("thumbs.DB", ["system"]),
        ("desktop.ini", ["system"]),
        ("._cat.1.jpg", ["system"]),  # macOS resource fork beside a real photo
        (".hidden.jpg", ["hidden"]),
        (".cat.png", ["hidden"]),
        ("photo.heic", ["not a supported image type", ".heic"]),
        ("movie.mp4", ["not a supported image type", ".mp4"]),
        ("notes.txt", ["not a supported image type", ".txt"]),
        ("README", ["no extension"]),
    ],
)
def test_files_skipped_by_name_say_why(name, words):
    reason = skip_reason_for_name(Path("some/folder") / name)
    assert reason is not None
    for word in words:
        assert word in reason


@pytest.mark.parametrize(
    "name", ["cat.1.jpg", "DOG.2.JPG", "a.jpeg", "b.png", "c.bmp", "d.gif", "e.webp", "f.tif", "g.TIFF", "café 🐱.png"]
)
def test_image_names_are_tried(name):
    assert skip_reason_for_name(Path("some/folder") / name) is None


def test_heic_file_is_named_unsupported_and_not_decoded(tmp_path):
    path = tmp_path / "IMG_0001.HEIC"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
    assert "not a supported image type (.HEIC)" in skip_reason_for_name(path)
    refused(path, "not an image")  # if it is opened anyway, the reason is still plain
