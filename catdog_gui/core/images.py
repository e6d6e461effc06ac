"""Reading one image file safely: every failure becomes a reason a person can read.

All photos pass through :func:`load_rgb`, so training, evaluation and prediction see the same pixels.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
# Pillow is asked to recognise these formats only, whatever a file is named: its other readers (EPS
# starts Ghostscript, for one) have no business with photos from strangers.
PILLOW_FORMATS = ("JPEG", "PNG", "BMP", "GIF", "WEBP", "TIFF")
JPEG_FORMATS = frozenset({"JPEG", "MPO"})  # MPO: the multi-picture JPEG of many cameras and phones
# libjpeg fills what is missing from a JPEG whose data ends early (or whose header claims more rows
# than its data holds) with mid-grey and only warns, which Pillow does not pass on. A whole last row of
# exactly this value is that fill: none of 4000 real photos has one (at most 7 % of a row is 128).
JPEG_FILL_VALUE = 128
SYSTEM_FILE_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
# Larger images are refused before decoding: a small file can declare billions of pixels.
MAX_PIXELS = 80_000_000
MIN_SIDE = 8

# We check sizes ourselves and say so plainly; PIL's own bomb check would raise its own error first.
Image.MAX_IMAGE_PIXELS = None


class UnusableImage(Exception):
    """An image file that cannot be used; ``str()`` is the reason, without the path."""


@dataclass(frozen=True)
class Skipped:
    """A file left out, with the reason in words."""

    path: str
    reason: str

    def as_dict(self) -> dict:
        return {"path": self.path, "reason": self.reason}


def hidden_or_system_reason(name: str) -> str | None:
    """"system file" or "hidden file" for such a name, else None."""
    if name.lower() in SYSTEM_FILE_NAMES or name.startswith("._"):
        return "system file"
    if name.startswith("."):
        return "hidden file"
    return None


def skip_reason_for_name(path: Path) -> str | None:
    """Why a file is not even opened, judged by its name alone (None if it should be tried)."""
    hidden = hidden_or_system_reason(path.name)
    if hidden:
        return hidden
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return f"not a supported image type ({path.suffix or 'no extension'}); use JPEG, PNG, BMP, GIF, WebP or TIFF"
    return None


def load_rgb(source, draft_size: int | None = None) -> Image.Image:
    """Open an image file (path or file object) as an upright 8-bit RGB picture.

    EXIF orientation is applied; grayscale, palette, CMYK, RGBA and 16-bit images become RGB
    (transparency over white); GIF and other animations give their first frame. With
    ``draft_size``, JPEGs are decoded at a reduced scale no smaller than that, which is much faster.

    Raises
    ------
    UnusableImage
        With the reason in words: empty, not an image, truncated, too large, too small, unreadable.
    """
    if isinstance(source, (str, os.PathLike)):
        try:
            if os.path.getsize(source) == 0:
                raise UnusableImage("empty file (0 bytes)")
            with open(source, "rb") as handle:
                return _decode(handle, draft_size)
        except PermissionError:
            raise UnusableImage("permission denied") from None
        except IsADirectoryError:
            raise UnusableImage("is a folder, not a file") from None
        except FileNotFoundError:
            raise UnusableImage("file not found (moved or deleted?)") from None
        except OSError as error:
            raise UnusableImage(f"cannot be read ({error.strerror or error})") from None
    return _decode(source, draft_size)


def _decode(handle, draft_size: int | None) -> Image.Image:
    try:
        image = Image.open(handle, formats=PILLOW_FORMATS)
    except UnidentifiedImageError:
        raise UnusableImage("not an image, or a format this app cannot read") from None
    except Exception as error:  # any failure to parse a header means a damaged file, whatever Pillow raises
        raise UnusableImage(f"damaged image header ({_describe(error)})") from None
    with image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise UnusableImage(
                f"too large ({width}x{height} pixels, more than {MAX_PIXELS // 1_000_000} megapixels)"
            )
        if min(width, height) < MIN_SIDE:
            raise UnusableImage(f"too small ({width}x{height} pixels; at least {MIN_SIDE} needed)")
        try:
            if draft_size and image.format in JPEG_FORMATS:
                image.draft("RGB", (draft_size, draft_size))
            image.load()
            if image.format in JPEG_FORMATS and _ends_in_jpeg_fill(image):
                raise UnusableImage("truncated or damaged image data (the bottom of the picture is missing)")
            return _to_rgb(ImageOps.exif_transpose(image))
        except UnusableImage:
            raise
        except MemoryError:
            raise UnusableImage("too large to decode in the memory available") from None
        except Exception as error:  # a decoder may raise anything on damaged data; it is the file's fault
            text = str(error)
            if "truncated" in text or isinstance(error, EOFError):
                raise UnusableImage("truncated or damaged image data") from None
            raise UnusableImage(f"damaged image data ({_describe(error)})") from None


def _describe(error: Exception) -> str:
    return str(error) or type(error).__name__


def _ends_in_jpeg_fill(image: Image.Image) -> bool:
    """True when the stored picture's last row is entirely libjpeg's fill for missing data."""
    last_row = np.asarray(image.crop((0, image.height - 1, image.width, image.height)))
    return bool(last_row.size) and bool((last_row == JPEG_FILL_VALUE).all())


def _to_rgb(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # 16-bit (and 32-bit or float) images: convert() would clip them white. Scale 16-bit
        # values to 8 bits as they are; stretch only values that fit neither range.
        values = np.asarray(image, dtype=np.float64)
        high = float(values.max()) if values.size else 0.0
        if float(values.min()) >= 0 and high <= 255 and mode in ("I", "F"):
            scaled = values
        elif float(values.min()) >= 0 and high <= 65535:
            scaled = values / 257.0
        else:
            low = float(values.min())
            scaled = (values - low) * (255.0 / (high - low)) if high > low else np.zeros_like(values)
        return Image.fromarray(np.clip(scaled + 0.5, 0, 255).astype(np.uint8), "L").convert("RGB")
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def load_pixels(source, size: int) -> np.ndarray:
    """Decode, make upright RGB and resize to ``size`` x ``size``: a uint8 array (H, W, 3).

    This is the one resizing step used for training, evaluation and prediction alike.
    """
    image = load_rgb(source, draft_size=size)
    if image.size != (size, size):
        image = image.resize((size, size), Image.BILINEAR, reducing_gap=3.0)
    return np.asarray(image, dtype=np.uint8)
