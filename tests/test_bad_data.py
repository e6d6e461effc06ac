"""A catalogue of messy photo folders: every odd file is used correctly or left out with its reason,
when the folder is scanned, when a run decodes it, on the command line and in the window.

The catalogue is generated here: a lecture-layout folder whose class folders have names in other
scripts, with good photos, odd but usable ones (CMYK, 16-bit, palette with transparency, grayscale,
animated, EXIF-rotated, other formats, odd names, a link to a photo) and every kind of bad entry.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from catdog_gui.cli import main
from catdog_gui.core.datasets import load_dataset
from catdog_gui.core.errors import DataError
from catdog_gui.core.images import load_pixels
from catdog_gui.core.preprocessing import decode_all

from conftest import make_image
from test_cli import TRAIN_FAST
from test_images import patch_jpeg_size, patch_png_size
from gui_fixtures import choose_small_scratch, load_data

CATS, DOGS = "chats été 🐱", "собаки 犬"  # class folders named in other scripts, with spaces and emoji
ORIENTATION = 0x0112


# ---- the catalogue ---------------------------------------------------------------------------------

def noise_jpeg(size=(64, 48), seed=0, **options) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=90, **options)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A valid little PNG whose header was changed to claim another size (CRC fixed)."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, format="PNG")
    return patch_png_size(buffer.getvalue(), width, height)


def jpeg_claiming_rows(rows: int) -> bytes:
    return patch_jpeg_size(noise_jpeg(seed=3), 64, rows)  # noise_jpeg is 64 wide


def upright_reference(path: Path) -> Path:
    """A 40x20 picture: left half red, right half blue."""
    pixels = np.zeros((20, 40, 3), np.uint8)
    pixels[:, :20] = (255, 0, 0)
    pixels[:, 20:] = (0, 0, 255)
    Image.fromarray(pixels).save(path)
    return path


def rotated_jpeg(path: Path) -> Path:
    """The reference stored turned a quarter anticlockwise, with EXIF orientation 6 to turn it back."""
    upright = Image.open(upright_reference(path.with_suffix(".reference.png")))
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = stored.getexif()
    exif[ORIENTATION] = 6
    stored.save(path, exif=exif, quality=95)
    path.with_suffix(".reference.png").unlink()
    return path


def write_odd_but_usable(folder: Path, label: int) -> dict[str, Path]:
    """Files that must be used, each in its own way (all become upright 8-bit RGB)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = Image.fromarray(np.random.default_rng(label).integers(0, 256, (24, 32, 3), dtype=np.uint8))
    palette = base.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    files = {
        "cmyk.jpg": lambda p: base.convert("CMYK").save(p),
        "deep 16-bit.png": lambda p: Image.fromarray(
            np.linspace(500, 64000, 24 * 32).reshape(24, 32).astype(np.uint16)).save(p),
        "palette transparent.png": lambda p: palette.save(p, transparency=0),
        "gray.png": lambda p: base.convert("L").save(p),
        "animated.gif": lambda p: base.save(p, save_all=True, duration=40,
                                            append_images=[base.transpose(Image.Transpose.FLIP_TOP_BOTTOM)]),
        "rotated.jpg": rotated_jpeg,
        "photo.bmp": lambda p: base.save(p),
        "photo.webp": lambda p: base.save(p),
        "photo.tiff": lambda p: base.save(p),
        "Ünïcödé café 🐈 猫 صورة.png": lambda p: base.save(p),
        "UPPER CASE.JPEG": lambda p: base.save(p, format="JPEG"),
    }
    paths = {}
    for name, write in files.items():
        path = folder / name
        write(path)
        paths[name] = path
    os.symlink(paths["gray.png"].name, folder / "link to gray.png")  # a link to a photo is that photo
    paths["link to gray.png"] = folder / "link to gray.png"
    return paths


def write_bad_entries(folder: Path) -> dict[str, str]:
    """Every kind of entry that must be left out; name -> a word its reason must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    good_jpeg = noise_jpeg(seed=5)
    contents = {
        "empty.jpg": (b"", "empty"),
        "notes.jpg": (b"just some notes, not a photo\n", "not an image"),
        "scan.jpg": (b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<<>>\n%%EOF\n", "not an image"),
        "cut short.jpg": (good_jpeg[: len(good_jpeg) // 2], "truncated"),
        "cut short.png": (png_bytes()[:300], "truncated"),
        "end marker put back.jpg": (good_jpeg[: len(good_jpeg) * 2 // 3] + b"\xff\xd9", "truncated"),
        "header claims more rows.jpg": (jpeg_claiming_rows(400), "truncated"),
        "bomb.png": (png_claiming(30000, 30000), "too large"),
        "sliver.png": (sliver_png(), "too small"),
        "IMG_0001.HEIC": (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "not a supported image type"),
        "clip.mp4": (b"\x00\x00\x00\x18ftypmp42", "not a supported image type"),
        ".DS_Store": (b"\x00\x00\x00\x01Bud1", "system file"),
        "Thumbs.db": (b"\xd0\xcf\x11\xe0", "system file"),
        "desktop.ini": (b"[.ShellClassInfo]\n", "system file"),
        "._photo.jpg": (b"\x00\x05\x16\x07AppleDouble", "system file"),
        ".hidden.jpg": (good_jpeg, "hidden file"),
    }
    expected = {}
    for name, (data, word) in contents.items():
        (folder / name).write_bytes(data)
        expected[name] = word
    os.symlink("loop.jpg", folder / "loop.jpg")
    os.symlink("nowhere.jpg", folder / "dangling.jpg")
    os.mkfifo(folder / "pipe.jpg")  # opening it would wait for a writer forever
    (folder / "elsewhere").mkdir()
    os.symlink("elsewhere", folder / "linked folder")
    expected.update({"loop.jpg": "link", "dangling.jpg": "link", "pipe.jpg": "not a regular file",
                     "linked folder": "link to a folder"})
    return expected


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(9).integers(0, 256, (40, 40, 3), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def sliver_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 60), (10, 20, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def write_catalogue(root: Path) -> tuple[dict[str, str], dict[str, Path]]:
    """The messy dataset; (relative path -> word its skip reason must contain, usable odd files)."""
    seed = 0
    for split, count in (("train", 6), ("validation", 3), ("test", 2)):
        for label, name in enumerate((CATS, DOGS)):
            for i in range(count):
                seed += 1
                make_image(root / split / name / f"{i} photo.png", label, seed)
    expected = {f"train/{CATS}/{k}": v for k, v in write_bad_entries(root / "train" / CATS).items()}
    usable = {f"train/{CATS}/{k}": p for k, p in write_odd_but_usable(root / "train" / CATS, 0).items()}
    usable.update({f"train/{DOGS}/{k}": p for k, p in write_odd_but_usable(root / "train" / DOGS, 1).items()})
    (root / "train" / "README.txt").write_text("photos from the holidays")
    (root / "notes.md").write_text("where the photos came from")
    (root / ".DS_Store").write_bytes(b"\x00")
    expected.update({"train/README.txt": "not inside a class folder",
                     "notes.md": "not inside train/, validation/ or test/", ".DS_Store": "system file"})
    return expected, usable


@pytest.fixture
def catalogue(tmp_path):
    root = tmp_path / "mes photos 📷"
    expected, usable = write_catalogue(root)
    return root, expected, usable


def reasons_by_path(root: Path, skipped) -> dict[str, str]:
    return {Path(s["path"] if isinstance(s, dict) else s.path).relative_to(root).as_posix():
            s["reason"] if isinstance(s, dict) else s.reason for s in skipped}


def assert_listed_with_reasons(root: Path, skipped, expected: dict[str, str]) -> None:
    reasons = reasons_by_path(root, skipped)
    assert set(reasons) == set(expected), set(reasons) ^ set(expected)
    for name, word in expected.items():
        assert word in reasons[name], (name, reasons[name])


# ---- scanning and decoding ---------------------------------------------------------------------------

def test_every_entry_of_the_catalogue_is_used_or_listed_with_its_reason(catalogue):
    root, expected, usable = catalogue
    dataset = load_dataset(root)
    assert dataset.classes == sorted([CATS, DOGS], key=str.lower)
    samples = [s.path for split in dataset.splits.values() for s in split]
    # Scanning judges names and kinds of entries; the rest is found when the photos are decoded.
    pixels, kept, bad = decode_all(samples, 32)
    dataset.drop(bad)
    assert_listed_with_reasons(root, dataset.skipped, expected)
    used = {Path(samples[i]).relative_to(root).as_posix() for i in kept}
    assert set(usable) <= used
    assert pixels.shape == (len(kept), 3, 32, 32)


def test_odd_photos_are_seen_upright_in_colour_as_the_model_sees_them(catalogue, tmp_path):
    _, _, usable = catalogue
    rotated = usable[f"train/{CATS}/rotated.jpg"]
    reference = upright_reference(tmp_path / "upright.png")
    pixels, kept, bad = decode_all([str(rotated), str(reference)], 16)
    assert kept == [0, 1] and not bad
    seen, wanted = pixels.int()  # (3, 16, 16) each: what the model is given
    assert (seen - wanted).abs().float().mean() < 12  # the same picture, JPEG noise aside
    assert seen[0, :, :6].float().mean() > 200 and seen[2, :, 10:].float().mean() > 200  # red left, blue right
    cmyk = load_pixels(usable[f"train/{CATS}/cmyk.jpg"], 8)
    deep = load_pixels(usable[f"train/{CATS}/deep 16-bit.png"], 8)
    assert cmyk.shape == deep.shape == (8, 8, 3) and 0 < deep.mean() < 255  # 16-bit scaled, not clipped


def test_training_goes_on_without_the_bad_files_and_lists_them(capsys, catalogue, tmp_path):
    root, expected, _ = catalogue
    code = main(["train", str(root), *TRAIN_FAST, "--json", "--runs-dir", str(tmp_path / "runs")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out.strip().splitlines()[-1])
    assert_listed_with_reasons(root, result["skipped"], expected)
    assert result["epochs"] == 1 and Path(result["model"]).is_file()
    assert result["test_accuracy"] is not None
    # The same list, in words, on standard error.
    assert f"{len(expected)} files were skipped" in captured.err
    assert "header claims more rows.jpg: truncated" in captured.err


# ---- folders that cannot be used at all -------------------------------------------------------------

def test_a_dataset_with_one_class_is_refused_naming_the_folder(capsys, tmp_path):
    root = tmp_path / "only cats"
    for split in ("train", "validation"):
        for i in range(3):
            make_image(root / split / "cats" / f"{i}.png", 0, i)
    with pytest.raises(DataError, match="two classes") as info:
        load_dataset(root)
    assert str(root) in str(info.value) and "'cats'" in str(info.value)
    code = main(["train", str(root), *TRAIN_FAST, "--runs-dir", str(tmp_path / "runs")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and str(root) in err and "two classes" in err


def three_photos_per_class(root: Path) -> Path:
    """Train and validation folders with three good photos of each of two classes."""
    for split in ("train", "validation"):
        for label, name in enumerate(("cats", "dogs")):
            for i in range(3):
                make_image(root / split / name / f"{i}.png", label, 10 * label + i)
    return root


def test_a_class_with_only_bad_files_is_refused_naming_it_and_the_files_are_listed(capsys, tmp_path):
    root = three_photos_per_class(tmp_path / "photos")
    data = noise_jpeg()
    for i, path in enumerate((root / "validation" / "dogs").iterdir()):
        path.unlink()
        (root / "validation" / "dogs" / f"cut{i}.jpg").write_bytes(data[: len(data) // 3])  # only found by decoding
    code = main(["train", str(root), *TRAIN_FAST, "--runs-dir", str(tmp_path / "runs")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "class 'dogs' has no usable images in validation/" in err.splitlines()[-1]
    assert "3 files were skipped" in err.splitlines()[-1]
    for i in range(3):  # and the list they refer to, before the message
        assert f"cut{i}.jpg: truncated or damaged image data" in err


def test_an_empty_class_folder_is_refused_naming_it(tmp_path):
    root = tmp_path / "photos"
    for split in ("train", "validation"):
        for i in range(2):
            make_image(root / split / "cats" / f"{i}.png", 0, i)
        (root / split / "dogs").mkdir(parents=True)
    (root / "train" / "dogs" / ".DS_Store").write_bytes(b"\x00")
    with pytest.raises(DataError, match="class 'dogs' has no usable images in train/"):
        load_dataset(root)


# ---- folders and files that cannot be read (simulated: the tests run as root) -----------------------

def deny(patch, locked: Path) -> None:
    """Make ``locked`` (a file or folder) unreadable, as permission bits would for an ordinary user."""
    import builtins

    def guarded(real):
        def call(path=".", *args, **kwargs):
            if os.fspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *args, **kwargs)
        return call

    patch.setattr(builtins, "open", guarded(builtins.open))
    patch.setattr(os, "scandir", guarded(os.scandir))
    patch.setattr(os, "listdir", guarded(os.listdir))


def test_unreadable_files_and_folders_are_listed_and_an_unreadable_dataset_is_refused(tmp_path):
    root = three_photos_per_class(tmp_path / "photos")
    make_image(root / "train" / "cats" / "2019" / "a.png", 0, 99)
    locked_file = root / "train" / "dogs" / "0.png"
    with pytest.MonkeyPatch.context() as patch:
        deny(patch, locked_file)
        _, kept, bad = decode_all([str(locked_file), str(root / "train" / "dogs" / "1.png")], 16)
    assert kept == [1] and [(s.path, s.reason) for s in bad] == [(str(locked_file), "permission denied")]

    with pytest.MonkeyPatch.context() as patch:
        deny(patch, root / "train" / "cats" / "2019")
        dataset = load_dataset(root)
    assert [(s.path, s.reason) for s in dataset.skipped] == [
        (str(root / "train" / "cats" / "2019"), "folder cannot be read (Permission denied)")]

    with pytest.MonkeyPatch.context() as patch, pytest.raises(DataError, match="cannot be read") as info:
        deny(patch, root)
        load_dataset(root)
    assert str(root) in str(info.value)


# ---- the window -------------------------------------------------------------------------------------

def test_the_window_lists_every_bad_file_with_its_reason_and_trains_on_the_rest(window, qtbot, catalogue):
    root, expected, _ = catalogue
    panel = window.data_panel
    load_data(qtbot, window, root)

    def listed() -> dict[str, str]:
        table = panel.skipped_table
        return {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}

    found_by_name = listed()
    assert set(found_by_name) < set(expected)  # what a scan can tell; the damaged files come later
    assert found_by_name["train/README.txt"] == "not inside a class folder"
    choose_small_scratch(window, 1)
    with qtbot.waitSignal(window.training_panel.run_finished, timeout=60_000) as blocker:
        window.training_panel.start_button.click()
    assert blocker.args[0].model_path
    shown = listed()
    assert set(shown) == set(expected)
    for name, word in expected.items():
        assert word in shown[name], (name, shown[name])
    assert panel.skipped_box.title() == f"Files left &out ({len(expected)})"  # Alt+O: to the list


def test_the_window_lists_the_files_that_left_a_class_empty_when_the_run_stops(window, qtbot, tmp_path):
    root = three_photos_per_class(tmp_path / "photos")
    data = noise_jpeg()
    for i, path in enumerate(sorted((root / "validation" / "dogs").iterdir())):
        path.unlink()
        (root / "validation" / "dogs" / f"cut{i}.jpg").write_bytes(data[: len(data) // 3])
    load_data(qtbot, window, root)
    assert window.data_panel.skipped_table.rowCount() == 0  # a scan cannot tell
    choose_small_scratch(window, 1)
    with qtbot.waitSignal(window.training_panel.run_failed, timeout=30_000) as blocker:
        window.training_panel.start_button.click()
    assert "class 'dogs' has no usable images in validation/ (3 files were skipped; see the list)" in blocker.args[0]
    table = window.data_panel.skipped_table
    assert {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())} == {
        f"validation/dogs/cut{i}.jpg": "truncated or damaged image data" for i in range(3)}
