"""Render the app's SVG icon to the PNG sizes desktops want, with Qt's SVG renderer.

    python packaging/render_icons.py hicolor OUT      OUT/<n>x<n>/apps/catdog-gui.png and OUT/scalable/apps/catdog-gui.svg
    python packaging/render_icons.py iconset OUT      OUT/icon_<n>x<n>[@2x].png, for macOS's `iconutil -c icns`
    python packaging/render_icons.py ico OUT.ico      a Windows icon holding 16..256 px (needs Pillow)
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ICON = Path(__file__).resolve().parent.parent / "resources" / "catdog-gui.svg"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICONSET_SIZES = (16, 32, 128, 256, 512)  # each also at twice the size, as "@2x"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int, out: Path) -> Path:
    """One square PNG of ``size`` pixels with a transparent background."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(ICON))
    if not renderer.isValid():
        raise SystemExit(f"{ICON}: not a valid SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out)):
        raise SystemExit(f"{out}: could not be written")
    return out


def hicolor(out: Path) -> None:
    for size in HICOLOR_SIZES:
        render(size, out / f"{size}x{size}" / "apps" / "catdog-gui.png")
    (out / "scalable" / "apps").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ICON, out / "scalable" / "apps" / "catdog-gui.svg")


def iconset(out: Path) -> None:
    for size in ICONSET_SIZES:
        render(size, out / f"icon_{size}x{size}.png")
        render(2 * size, out / f"icon_{size}x{size}@2x.png")


def ico(out: Path) -> None:
    from PIL import Image

    largest = render(max(ICO_SIZES), out.with_suffix(".png"))
    with Image.open(largest) as image:
        image.save(out, sizes=[(s, s) for s in ICO_SIZES])
    largest.unlink()


def main(argv: list[str]) -> int:
    kinds = {"hicolor": hicolor, "iconset": iconset, "ico": ico}
    if len(argv) != 2 or argv[0] not in kinds:
        print(__doc__, file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # QPainter needs one  # noqa: F841
    kinds[argv[0]](Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
