"""Small widgets the panels share: message banners, thumbnail grids, probability bars, headers."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .worker import GeneratorWorker

PATH_ROLE = Qt.ItemDataRole.UserRole
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
COLOUR_ROLE = Qt.ItemDataRole.UserRole + 2

TRAIN_COLOUR = "#1f77b4"
VALIDATION_COLOUR = "#ff7f0e"
BANNER_COLOURS = {
    "error": ("#fdecea", "#b3261e"),
    "warning": ("#fff4e5", "#8a5300"),
    "info": ("#e8f0fe", "#174ea6"),
    "success": ("#e6f4ea", "#137333"),
}


def format_duration(seconds: float | None) -> str:
    """``42 s``, ``3 min 20 s``, ``1 h 05 min``; a dash when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    if seconds < 0.095:
        return f"{max(0.0, seconds) * 1000:.0f} ms"  # a small head's epoch on cached features
    if seconds < 9.95:
        return f"{seconds:.1f} s"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 photo``, ``3 photos``."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def format_percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def describe_error(error: BaseException) -> str:
    """The message for people: a user error as it is, anything else with its kind."""
    from ..core.errors import UserError

    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, MemoryError):
        return "the computer ran out of memory; try a smaller image size or batch size"
    return f"unexpected error ({type(error).__name__}: {error})"


def page_header(title: str, text: str) -> QWidget:
    """A page's title and one plain sentence on what to do there."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    layout.setSpacing(2)
    heading = QLabel(title)
    font = heading.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    heading.setFont(font)
    layout.addWidget(heading)
    explanation = QLabel(text)
    explanation.setWordWrap(True)
    explanation.setStyleSheet("color: #555;")
    layout.addWidget(explanation)
    return box


def legend_html(entries) -> str:
    """A one-line legend: ``[(colour, "solid" or "dashed" or "thin", text), ...]`` as rich text."""
    marks = {"solid": "━━", "dashed": "╍╍", "thin": "──"}
    return "&nbsp;&nbsp;&nbsp;".join(
        f"<span style='color:{colour}; font-weight:bold'>{marks[style]}</span>&nbsp;{text}"
        for colour, style, text in entries)


def bold(label: QLabel, scale: float = 1.0) -> QLabel:
    font = label.font()
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


class Banner(QFrame):
    """A coloured one-message strip (error, warning, info, success) with a close button."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Hide this message")
        close.clicked.connect(self.hide)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.kind = ""
        self.hide()

    def show_message(self, text: str, kind: str = "error") -> None:
        background, foreground = BANNER_COLOURS[kind]
        self.setStyleSheet(
            f"#banner {{ background: {background}; border: 1px solid {foreground}; border-radius: 4px; }}"
            f"#banner QLabel {{ color: {foreground}; }}"
        )
        self.kind = kind
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        """The message shown, or "" when the banner is hidden (its page may be out of sight)."""
        return "" if self.isHidden() else self.label.text()


def load_thumbnails(paths: list[str], size: int, chunk: int = 8):
    """Yield ``[(index, QImage), ...]`` for ``paths``, decoded at thumbnail size (runs in a worker).

    QImage, unlike QPixmap, may be made outside the main thread. JPEGs decode at reduced scale.
    """
    batch = []
    for index, path in enumerate(paths):
        batch.append((index, thumbnail_image(path, size)))
        if len(batch) >= chunk:
            yield batch
            batch = []
    if batch:
        yield batch


def thumbnail_image(path: str, size: int) -> QImage:
    """``path`` scaled to fit ``size`` x ``size`` and centred on a transparent square of that size
    (upright per EXIF), so that grids and tables line up; a null image if unreadable."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid() and original.width() > 0 and original.height() > 0:
        reader.setScaledSize(original.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return image
    if image.width() > size or image.height() > size:
        image = image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    square = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    square.fill(Qt.GlobalColor.transparent)
    painter = QPainter(square)
    painter.drawImage((size - image.width()) // 2, (size - image.height()) // 2, image)
    painter.end()
    return square


def placeholder_pixmap(size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor("#eeeeee"))
    return pixmap


class ThumbnailGrid(QListWidget):
    """A grid of image thumbnails with captions, decoded in the background.

    ``show_images`` replaces the grid's contents; a newer call supersedes the thumbnails still loading.
    ``loaded`` is emitted when every thumbnail of the current set is in place.
    """

    loaded = Signal()

    def __init__(self, icon_size: int = 96, parent: QWidget | None = None, placeholder: str = ""):
        super().__init__(parent)
        self.thumb_size = icon_size
        self.placeholder = placeholder
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(icon_size, icon_size))
        self.setGridSize(QSize(icon_size + 26, icon_size + 46))  # room for two lines of caption
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setWordWrap(True)
        self.setSpacing(2)
        self.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.setDragEnabled(False)
        self.setAcceptDrops(False)  # files dropped here go to the page (a dataset, photos to classify)
        self._worker: GeneratorWorker | None = None
        self.loading = False

    def show_images(self, paths: list[str], captions: list[str] | None = None,
                    tooltips: list[str] | None = None) -> None:
        self.clear()
        placeholder = QIcon(placeholder_pixmap(self.thumb_size))
        for i, path in enumerate(paths):
            caption = captions[i] if captions else ""
            item = QListWidgetItem(placeholder, caption)
            item.setData(PATH_ROLE, path)
            item.setToolTip(tooltips[i] if tooltips else path)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.addItem(item)
        if self._worker is not None:
            self._worker.quit()
        self._worker = None
        if not paths:
            self.loading = False
            self.loaded.emit()
            return
        self.loading = True
        worker = GeneratorWorker(load_thumbnails, list(paths), self.thumb_size, name="thumbnails")
        worker.yielded.connect(self._on_yielded)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        worker.start()

    def paths(self) -> list[str]:
        return [self.item(i).data(PATH_ROLE) for i in range(self.count())]

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.count() == 0 and self.placeholder:
            painter = QPainter(self.viewport())
            painter.setPen(QColor("#8a949e"))
            painter.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)

    def _on_yielded(self, batch) -> None:
        if self.sender() is not self._worker:
            return  # thumbnails of a set that has since been replaced
        for index, image in batch:
            item = self.item(index)
            if item is not None and not image.isNull():
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _on_finished(self) -> None:
        if self.sender() is not self._worker:
            return
        self._worker = None
        self.loading = False
        self.loaded.emit()


class ProbabilityDelegate(QStyledItemDelegate):
    """Paints a cell's probability (``VALUE_ROLE``, 0..1) as a bar with the percentage on it, in the
    colour named by ``COLOUR_ROLE`` when set."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        value = index.data(VALUE_ROLE)
        if value is None:
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        rect = option.rect.adjusted(4, 5, -4, -5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e8e8e8"))
        painter.drawRoundedRect(rect, 3, 3)
        filled = QRect(rect)
        filled.setWidth(max(0, round(rect.width() * float(value))))
        colour = index.data(COLOUR_ROLE)
        painter.setBrush(QColor(colour) if isinstance(colour, str) else QColor("#4c9be8"))
        painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(QColor("#111111"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{100 * float(value):.1f} %")
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(140, 26)
