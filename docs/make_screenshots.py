"""Take the README's screenshots from the real window, offscreen.

    python docs/make_screenshots.py [OUT_DIR]        (default docs/screenshots)

The photos are drawings of cat and dog faces made here (the real photo set may not be copied into the
project); everything else is the app as a user sees it: a folder opened, the built-in EfficientNet-Lite0
trained on it, and photos dropped on the Classify step. Nothing of the user's (settings, runs, caches)
is read or written.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "screenshots"
PER_SPLIT = {"train": 40, "validation": 20, "test": 10}
MAX_BYTES = 200_000


def draw_pet(kind: str, rng, size: int = 256):
    """A flat drawing of a cat's or a dog's face, in random colours, place and size."""
    from PIL import Image, ImageDraw

    def colour(low=40, high=250):
        return tuple(int(c) for c in rng.integers(low, high, 3))

    image = Image.new("RGB", (size, size), colour(120, 255))
    pen = ImageDraw.Draw(image)
    r = int(size * rng.uniform(0.22, 0.32))
    cx, cy = (int(size * rng.uniform(0.38, 0.62)) for _ in range(2))
    fur, dark = colour(90, 250), (38, 50, 56)
    if kind == "cats":
        for side in (-1, 1):
            pen.polygon([(cx + side * r, cy - r // 3), (cx + side * r * 0.9, cy - r * 1.45),
                         (cx + side * r * 0.25, cy - r * 0.8)], fill=fur)
    else:
        for side in (-1, 1):
            pen.ellipse([cx + side * r - r * 0.35, cy - r * 0.7, cx + side * r + r * 0.35, cy + r * 0.7],
                        fill=tuple(c // 2 for c in fur))
    pen.ellipse([cx - r, cy - r * 0.9, cx + r, cy + r * 0.9], fill=fur)
    for side in (-1, 1):
        pen.ellipse([cx + side * r * 0.4 - r * 0.1, cy - r * 0.25, cx + side * r * 0.4 + r * 0.1, cy + r * 0.05],
                    fill=dark)
    nose = r * (0.1 if kind == "cats" else 0.22)
    pen.ellipse([cx - nose, cy + r * 0.3 - nose * 0.7, cx + nose, cy + r * 0.3 + nose * 0.7],
                fill=(217, 83, 79) if kind == "cats" else dark)
    return image.rotate(rng.uniform(-20, 20), fillcolor=image.getpixel((0, 0)))


def write_drawings(root: Path) -> Path:
    import numpy as np

    rng = np.random.default_rng(7)
    for split, count in PER_SPLIT.items():
        for kind in ("cats", "dogs"):
            folder = root / split / kind
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                draw_pet(kind, rng).save(folder / f"{kind[:-1]}.{i:03d}.jpg", quality=90)
    return root


def save_small(widget, path: Path) -> None:
    """A grab of ``widget`` as PNG, reduced to 256 colours when that is needed to stay small."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(path))
    if path.stat().st_size > MAX_BYTES:
        with Image.open(path) as image:
            image.convert("RGB").quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"{path}: {path.stat().st_size // 1000} KB", file=sys.stderr)


def main(out: Path) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings

    from catdog_gui.gui.app import make_application
    from catdog_gui.gui.main_window import PREDICT, TRAIN, MainWindow
    from catdog_gui.gui.selftest import drop_files, wait_until

    with tempfile.TemporaryDirectory(prefix="catdog-gui-screenshots-") as temp:
        temp = Path(temp)
        os.environ.update(CATDOG_GUI_RUNS=str(temp / "runs"), CATDOG_GUI_CACHE=str(temp / "cache"),
                          CATDOG_GUI_SETTINGS=str(temp / "settings.ini"))
        make_application()
        window = MainWindow(QSettings(str(temp / "settings.ini"), QSettings.Format.IniFormat))
        window.ask_before_quitting = False
        window.resize(1280, 820)
        window.show()
        if not wait_until(lambda: window.engine is not None, 120):
            raise SystemExit("the training engine did not load")
        save_small(window, out / "start.png")

        photos = write_drawings(temp / "my-pet-photos")
        window.data_panel.open_folder(photos)
        wait_until(lambda: window.data_panel.dataset is not None and not window.data_panel.busy, 60)
        wait_until(lambda: False, 2)  # thumbnails load in the background
        save_small(window, out / "photos.png")

        window.strategy_panel.select("feature-extraction", "efficientnet-lite0")
        window.strategy_panel.set_values(epochs=30, lr=1e-4)
        window.training_panel.start_button.click()
        wait_until(lambda: window.training_panel.busy, 10)
        started = time.monotonic()
        wait_until(lambda: not window.training_panel.busy, 600)
        print(f"training took {time.monotonic() - started:.0f} s", file=sys.stderr)
        window.show_step(TRAIN)
        save_small(window, out / "training.png")

        predictor = window.predictor_panel  # the run's best model is loaded here when it ends
        wait_until(lambda: predictor.predictor is not None and not predictor.busy, 60)
        tests = sorted((photos / "test" / "cats").iterdir())[:3] + sorted((photos / "test" / "dogs").iterdir())[:3]
        drop_files(predictor, tests)
        wait_until(lambda: len(predictor.results) == len(tests) and not predictor.busy, 60)
        window.show_step(PREDICT)
        save_small(window, out / "classify.png")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
