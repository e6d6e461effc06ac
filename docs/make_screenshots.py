"""Take the README's screenshots from the real window, offscreen.

    python docs/make_screenshots.py [OUT_DIR] [--dark] [--every-step]

OUT_DIR is resources/screenshots unless given. ``--dark`` takes them as on a desktop with a dark colour
scheme (the palette such a desktop would supply: colours.dark_palette), named ``dark-*.png``.
``--every-step`` takes one of each of the six steps instead of the README's four, named
``light-1-photos.png`` … ``dark-6-runs.png``, for checking that every step reads well in both schemes.

The photos are drawings of cat and dog faces made here (the real photo set may not be copied into the
project); everything else is the app as a user sees it: a folder opened, the built-in EfficientNet-Lite0
trained on it, and photos dropped on the Classify step. Nothing of the user's (settings, runs, caches)
is read or written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "resources" / "screenshots"
README_SHOTS = ("start", "photos", "training", "classify")
EVERY_STEP = ("photos", "strategy", "training", "evaluate", "classify", "runs")  # steps 1 to 6
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


def shot_names(dark: bool, every_step: bool) -> dict[str, str]:
    """The moments to take, each with its file name."""
    theme = "dark" if dark else "light"
    if every_step:
        return {moment: f"{theme}-{n}-{moment}.png" for n, moment in enumerate(EVERY_STEP, 1)}
    return {moment: f"{'dark-' if dark else ''}{moment}.png" for moment in README_SHOTS}


def main(out: Path, dark: bool = False, every_step: bool = False) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings

    from catdog_gui.gui import colours
    from catdog_gui.gui.app import make_application
    from catdog_gui.gui.main_window import EVALUATE, PREDICT, RUNS, STRATEGY, TRAIN, MainWindow
    from catdog_gui.gui.selftest import drop_files, wait_until

    names = shot_names(dark, every_step)

    def shoot(window, moment: str) -> None:
        if moment in names:
            save_small(window, out / names[moment])

    with tempfile.TemporaryDirectory(prefix="catdog-gui-screenshots-") as temp:
        temp = Path(temp)
        os.environ.update(CATDOG_GUI_RUNS=str(temp / "runs"), CATDOG_GUI_CACHE=str(temp / "cache"),
                          CATDOG_GUI_SETTINGS=str(temp / "settings.ini"))
        app = make_application()
        if dark:
            app.setPalette(colours.dark_palette())  # what a desktop in dark mode supplies
        window = MainWindow(QSettings(str(temp / "settings.ini"), QSettings.Format.IniFormat))
        window.ask_before_quitting = False
        window.resize(1280, 820)
        window.show()
        if not wait_until(lambda: window.engine is not None, 120):
            raise SystemExit("the training engine did not load")
        shoot(window, "start")

        photos = write_drawings(temp / "my-pet-photos")
        window.data_panel.open_folder(photos)
        wait_until(lambda: window.data_panel.dataset is not None and not window.data_panel.busy, 60)
        wait_until(lambda: False, 2)  # thumbnails load in the background
        shoot(window, "photos")

        window.strategy_panel.select("feature-extraction", "efficientnet-lite0")
        window.strategy_panel.set_values(epochs=30, lr=1e-4)
        if "strategy" in names:
            window.show_step(STRATEGY)
            wait_until(lambda: window.strategy_panel.preview_current, 30)
            wait_until(lambda: False, 1)  # the preview's pictures are drawn in the background
            shoot(window, "strategy")
        window.training_panel.start_button.click()
        wait_until(lambda: window.training_panel.busy, 10)
        started = time.monotonic()
        wait_until(lambda: not window.training_panel.busy, 600)
        print(f"training took {time.monotonic() - started:.0f} s", file=sys.stderr)
        window.show_step(TRAIN)
        shoot(window, "training")
        if "evaluate" in names:
            evaluation = window.evaluation_panel  # the run's best model is evaluated when it ends
            wait_until(lambda: evaluation.result is not None and not evaluation.busy, 120)
            wait_until(lambda: not evaluation.cell_gallery.loading and not evaluation.mistakes_gallery.loading, 30)
            window.show_step(EVALUATE)
            shoot(window, "evaluate")

        predictor = window.predictor_panel  # the run's best model is loaded here when it ends
        wait_until(lambda: predictor.predictor is not None and not predictor.busy, 60)
        tests = sorted((photos / "test" / "cats").iterdir())[:3] + sorted((photos / "test" / "dogs").iterdir())[:3]
        drop_files(predictor, tests)
        wait_until(lambda: len(predictor.results) == len(tests) and not predictor.busy, 60)
        window.show_step(PREDICT)
        shoot(window, "classify")
        if "runs" in names:
            window.show_step(RUNS)
            wait_until(lambda: bool(window.runs_panel.runs), 10)
            window.runs_panel.select_runs([window.runs_panel.runs[0].path])
            shoot(window, "runs")
        window.close()
    return 0


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=OUT, help="the folder for the PNG files")
    parser.add_argument("--dark", action="store_true", help="as on a desktop with a dark colour scheme")
    parser.add_argument("--every-step", action="store_true", help="one screenshot of each of the six steps")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_arguments(sys.argv[1:])
    sys.exit(main(arguments.out, arguments.dark, arguments.every_step))
