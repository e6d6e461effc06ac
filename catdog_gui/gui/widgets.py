"""Small widgets the panels share: message banners, thumbnail grids, probability bars, headers."""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QImageReader, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
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

from ..core.errors import UserError
from . import colours, i18n
from .accessible import thumbnail_name
from .worker import TaskSlot

PATH_ROLE = Qt.ItemDataRole.UserRole
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
COLOUR_ROLE = Qt.ItemDataRole.UserRole + 2  # a bar's colour: a class's index or a grade (see colours.bar_fill)


def format_duration(seconds: float | None) -> str:
    """``42 s``, ``3 min 20 s``, ``1 h 05 min``, in the window's language (``0,5 s`` in Spanish); a dash
    when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    if seconds < 0.095:  # a small head's epoch on cached features
        milliseconds = round(max(0.0, seconds) * 1000)
        return i18n.fill(QCoreApplication.translate("widgets", "%1 ms"), i18n.format_number(milliseconds))
    if seconds < 9.95:
        return i18n.fill(QCoreApplication.translate("widgets", "%1 s"), i18n.format_number(seconds, 1))
    seconds = round(seconds)
    if seconds < 60:
        return i18n.fill(QCoreApplication.translate("widgets", "%1 s"), seconds)
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return i18n.fill(QCoreApplication.translate("widgets", "%1 min %2 s"), minutes, f"{seconds:02d}")
    hours, minutes = divmod(minutes, 60)
    return i18n.fill(QCoreApplication.translate("widgets", "%1 h %2 min"), hours, f"{minutes:02d}")


def describe_error(error: BaseException) -> str:
    """The message for people: a user error as it is, anything else with its kind."""
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, MemoryError):
        return QCoreApplication.translate("widgets", "the computer ran out of memory; try a smaller image size or "
                                                     "batch size")
    return i18n.fill(QCoreApplication.translate("widgets", "unexpected error (%1: %2)"), type(error).__name__, error)


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
    mute(explanation)
    layout.addWidget(explanation)
    return box


def mute(label: QLabel) -> QLabel:
    """Show ``label`` as secondary text, in the palette's muted colour (also after a switch to dark)."""
    colours.follow_palette(label, lambda palette: colours.set_text_colour(label, colours.muted_text(palette)))
    return label


def muted_html(text: str, palette: QPalette) -> str:
    """``text`` as rich text in the muted colour of ``palette`` (redo it when the palette changes)."""
    return f"<span style='color:{colours.muted_text(palette).name()}'>{text}</span>"


def legend_html(entries) -> str:
    """A one-line legend: ``[(colour, "solid" or "dashed" or "thin", text), ...]`` as rich text."""
    marks = {"solid": "━━", "dashed": "╍╍", "thin": "──"}
    return "&nbsp;&nbsp;&nbsp;".join(
        f"<span style='color:{QColor(colour).name()}; font-weight:bold'>{marks[style]}</span>&nbsp;{text}"
        for colour, style, text in entries)


def colour_plot(plot, palette: QPalette) -> None:
    """Give a pyqtgraph ``PlotWidget`` the palette's colours: background, axes, ticks, labels and title
    (pyqtgraph's own defaults are fixed, and would stay light or dark whatever the system's)."""
    item = plot.getPlotItem()
    plot.setBackground(colours.plot_background(palette))
    text = colours.plot_text(palette)
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        axis.setPen(text)
        axis.setTextPen(text)
    item.titleLabel.setText(item.titleLabel.text, color=text.name())


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
        close.setToolTip(self.tr("Hide this message"))
        close.setAccessibleName(self.tr("Hide this message"))  # the cross alone says nothing read out
        close.clicked.connect(self.hide)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.kind = ""
        colours.follow_palette(self, self._apply_colours)
        self.hide()

    def show_message(self, text: str, kind: str = "error") -> None:
        """Show ``text`` in the colours of ``kind``: "error", "warning", "info" or "success"."""
        self.kind = kind
        self._apply_colours(colours.inherited_palette(self))
        self.label.setText(text)
        self.show()
        self.update()

    def _apply_colours(self, palette: QPalette) -> None:
        if self.kind:
            colours.set_text_colour(self.label, colours.banner_colours(palette, self.kind)[1])

    def paintEvent(self, event) -> None:
        # Painted rather than styled: a style sheet would fix the palette and miss a switch to dark.
        if not self.kind:
            return
        background, border = colours.banner_colours(colours.inherited_palette(self), self.kind)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(border, 1))
        painter.setBrush(background)
        painter.drawRoundedRect(self.rect().toRectF().adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        painter.end()

    def text(self) -> str:
        """The message shown, or "" when the banner is hidden (its page may be out of sight)."""
        return "" if self.isHidden() else self.label.text()


class DropZone(QLabel):
    """Muted text in a dashed, rounded frame: where files may be dropped.

    Painted rather than styled: a style sheet would fix the palette and miss a switch to dark.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        mute(self)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colours.frame_line(colours.inherited_palette(self)), 2, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(self.rect().toRectF().adjusted(1, 1, -1, -1), 10, 10)
        painter.end()
        super().paintEvent(event)


def load_thumbnails(paths: list[str], size: int, chunk: int = 8, ratio: float = 1.0):
    """Yield ``[(index, QImage), ...]`` for ``paths``, decoded at thumbnail size (runs in a worker);
    ``ratio`` is the screen's device pixel ratio (see :func:`thumbnail_image`).

    QImage, unlike QPixmap, may be made outside the main thread. JPEGs decode at reduced scale.
    """
    batch = []
    for index, path in enumerate(paths):
        batch.append((index, thumbnail_image(path, size, ratio)))
        if len(batch) >= chunk:
            yield batch
            batch = []
    if batch:
        yield batch


def thumbnail_image(path: str, size: int, ratio: float = 1.0) -> QImage:
    """A photo's thumbnail, sharp on the screen it is shown on.

    Parameters
    ----------
    path
        The photo; it is turned upright per EXIF.
    size
        The thumbnail's side in logical pixels: the photo is scaled to fit and centred on a transparent
        square of that size, so that grids and tables line up.
    ratio
        Device pixels per logical pixel (``widget.devicePixelRatioF()``, 2 on a typical high-DPI screen):
        the image has ``size * ratio`` pixels a side and that device pixel ratio.

    Returns
    -------
    QImage
        A null image if the photo cannot be read.
    """
    logical_size = size
    size = max(1, round(logical_size * ratio))
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
    square.setDevicePixelRatio(size / logical_size)
    return square


def placeholder_pixmap(size: int, colour: QColor, ratio: float = 1.0) -> QPixmap:
    """A square of ``colour`` standing in for a thumbnail still being read, ``size`` logical pixels a side."""
    pixmap = QPixmap(max(1, round(size * ratio)), max(1, round(size * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(colour)
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
        self._thumbnails = TaskSlot(self)
        self.loading = False

    def show_images(self, paths: list[str], captions: list[str] | None = None,
                    tooltips: list[str] | None = None, spoken: list[str] | None = None) -> None:
        """Show ``paths`` with their ``captions`` and ``tooltips``; screen readers read each as its
        ``spoken`` text, by default its file name and caption."""
        self.clear()
        ratio = self.devicePixelRatioF()  # thumbnails in device pixels: sharp on a high-DPI screen
        placeholder = QIcon(placeholder_pixmap(self.thumb_size, colours.placeholder_fill(self.palette()), ratio))
        for i, path in enumerate(paths):
            caption = captions[i] if captions else ""
            item = QListWidgetItem(placeholder, caption)
            item.setData(PATH_ROLE, path)
            item.setToolTip(tooltips[i] if tooltips else path)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken[i] if spoken else thumbnail_name(path, caption))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.addItem(item)
        self._thumbnails.drop()  # thumbnails of the set before: no longer wanted
        if not paths:
            self.loading = False
            self.loaded.emit()
            return
        self.loading = True
        self._thumbnails.start(load_thumbnails, list(paths), self.thumb_size, ratio=ratio, name="thumbnails",
                               yielded=self._on_thumbnails_yielded, finished=self._on_thumbnails_finished)

    def paths(self) -> list[str]:
        return [self.item(i).data(PATH_ROLE) for i in range(self.count())]

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.count() == 0 and self.placeholder:
            painter = QPainter(self.viewport())
            painter.setPen(colours.muted_text(self.palette()))
            painter.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)

    def _on_thumbnails_yielded(self, batch) -> None:
        for index, image in batch:
            item = self.item(index)
            if item is not None and not image.isNull():
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _on_thumbnails_finished(self) -> None:
        self.loading = False
        self.loaded.emit()


class PaddedItemDelegate(QStyledItemDelegate):
    """List rows with room around their text, highlighted across the whole row when selected.

    Done here rather than in a style sheet, which would fix the list's palette and miss a switch to dark.
    """

    def __init__(self, horizontal: int, vertical: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.horizontal = horizontal
        self.vertical = vertical

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 2 * self.horizontal, size.height() + 2 * self.vertical)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        option = QStyleOptionViewItem(option)
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)  # whole row
        row = QStyleOptionViewItem(option)
        option.rect = option.rect.adjusted(self.horizontal, 0, -self.horizontal, 0)
        option.state &= ~QStyle.StateFlag.State_HasFocus  # the focus frame goes round the whole row
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        if row.state & QStyle.StateFlag.State_HasFocus:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, row, painter, widget)


class ProbabilityDelegate(QStyledItemDelegate):
    """Paints a cell's probability (``VALUE_ROLE``, 0..1) as a bar with the percentage on it, in the
    colour that ``COLOUR_ROLE`` names (a class's index or a grade, see :func:`colours.bar_fill`)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        value = index.data(VALUE_ROLE)
        if value is None:
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        rect = option.rect.adjusted(4, 5, -4, -5)
        palette = option.palette
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colours.bar_track(palette))
        painter.drawRoundedRect(rect, 3, 3)
        filled = QRect(rect)
        filled.setWidth(max(0, round(rect.width() * float(value))))
        painter.setBrush(colours.bar_fill(palette, index.data(COLOUR_ROLE)))
        painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(colours.bar_text(palette))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, i18n.format_percent(float(value), 1))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(140, 26)
