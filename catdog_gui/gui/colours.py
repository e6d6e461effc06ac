"""Every colour the window draws, decided in one place from the palette it is drawn with.

The system supplies the palette, light or dark, and may switch it while the app runs; panels never type
a colour but ask here with the palette at hand (a delegate's ``option.palette``, a widget's palette in
:func:`follow_palette`). Each role has a light and a dark choice, and the colour handed out is then
checked against the background it is drawn on: text gets at least 4.5:1 (WCAG AA), lines and bars at
least 3:1, so that an unusual system palette cannot make anything unreadable.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

TEXT_CONTRAST = 4.5  # WCAG AA for normal text
GRAPHIC_CONTRAST = 3.0  # WCAG AA for lines, bars and other non-text graphics
Role = QPalette.ColorRole


@dataclass(frozen=True)
class Scheme:
    """The choices for one kind of palette; each is adjusted for contrast before it is handed out."""

    accent: str  # hints and marked text, the chosen matrix cell
    series: tuple[str, ...]  # curves; the first two are training and validation
    class_bars: tuple[str, ...]  # probability bars, one colour per class, under the text
    grade_bars: dict[str, str]  # per-class accuracy bars: "good", "fair", "poor"
    count_bar: str  # the photo-count bars of step 1
    correct: str  # confusion-matrix cells on the diagonal...
    wrong: str  # ...and off it, mixed into the table's background by the cell's share
    banners: dict[str, tuple[str, str]]  # kind -> (background, text)


LIGHT = Scheme(
    accent="#174ea6",
    series=("#1f77b4", "#d95f02", "#2a8a2a", "#d62728", "#9467bd", "#8c564b", "#c2449a", "#0e8390"),
    class_bars=("#4c9be8", "#f39c4a", "#5cb85c", "#d9534f", "#9b6fd0", "#b08d6c", "#e377c2", "#8c8c8c"),
    grade_bars={"good": "#66bb6a", "fair": "#ffb74d", "poor": "#e57373"},
    count_bar="#cfe2f3",
    correct="#2e7d32",
    wrong="#c62828",
    banners={"error": ("#fdecea", "#b3261e"), "warning": ("#fff4e5", "#8a5300"),
             "info": ("#e8f0fe", "#174ea6"), "success": ("#e6f4ea", "#137333")},
)
DARK = Scheme(
    accent="#8ab4f8",
    series=("#5aa9e6", "#ff9f43", "#5cc85c", "#ff6b6b", "#b794e8", "#c9a08e", "#f08bd0", "#3fcfdc"),
    class_bars=("#2b62a0", "#955017", "#2c6b2e", "#a3332f", "#6645a0", "#6e5136", "#8f3a6e", "#575757"),
    grade_bars={"good": "#2e6b31", "fair": "#7a5512", "poor": "#8e2f2f"},
    count_bar="#234260",
    correct="#3d9440",
    wrong="#e53935",
    banners={"error": ("#3b1e1d", "#f2b8b5"), "warning": ("#3a2c12", "#ffcc80"),
             "info": ("#1c2b42", "#a8c7fa"), "success": ("#16301f", "#81c995")},
)
BANNER_KINDS = tuple(LIGHT.banners)
GRADES = tuple(LIGHT.grade_bars)


# ---- measuring ---------------------------------------------------------------------------------

def relative_luminance(colour: QColor | str) -> float:
    """The WCAG relative luminance of a colour: 0 for black, 1 for white.

    Parameters
    ----------
    colour
        A QColor or anything QColor accepts (``"#1f77b4"``); its alpha is ignored.

    Returns
    -------
    float
        ``0.2126 R + 0.7152 G + 0.0722 B`` of the linearised sRGB channels.
    """
    colour = QColor(colour)

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.red()) + 0.7152 * linear(colour.green()) + 0.0722 * linear(colour.blue())


def contrast_ratio(first: QColor | str, second: QColor | str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white).

    Parameters
    ----------
    first, second
        The two colours, in either order.

    Returns
    -------
    float
        ``(L1 + 0.05) / (L2 + 0.05)`` with ``L1`` the lighter one's relative luminance.
    """
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(first: QColor | str, second: QColor | str, share: float) -> QColor:
    """``first`` with ``share`` (0..1) of ``second`` mixed in, opaque."""
    first, second = QColor(first), QColor(second)
    return QColor.fromRgbF(*(a + (b - a) * share for a, b in zip(first.getRgbF()[:3], second.getRgbF()[:3])))


def ensure_contrast(colour: QColor | str, backgrounds, ratio: float) -> QColor:
    """``colour``, or the least change of it towards black or white, that has at least ``ratio`` against
    every one of ``backgrounds`` (as far as that can be had).

    Parameters
    ----------
    colour
        The colour wanted.
    backgrounds
        One colour or a list of colours it is drawn on (or that are drawn on it).
    ratio
        The contrast ratio needed: :data:`TEXT_CONTRAST` or :data:`GRAPHIC_CONTRAST`.

    Returns
    -------
    QColor
    """
    backgrounds = [QColor(b) for b in (backgrounds if isinstance(backgrounds, (list, tuple)) else [backgrounds])]
    colour = QColor(colour)

    def worst(candidate: QColor) -> float:
        return min(contrast_ratio(candidate, b) for b in backgrounds)

    if worst(colour) >= ratio:
        return colour
    # Away from the backgrounds: to black on light ones, to white on dark ones.
    target = QColor("#000000") if worst(QColor("#000000")) >= worst(QColor("#ffffff")) else QColor("#ffffff")
    for step in range(1, 21):
        candidate = mix(colour, target, step / 20)
        if worst(candidate) >= ratio:
            return candidate
    return target


# ---- the palette -------------------------------------------------------------------------------

def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` draws light text on a dark window."""
    return relative_luminance(palette.color(Role.Window)) < relative_luminance(palette.color(Role.WindowText))


def scheme(palette: QPalette) -> Scheme:
    """The light or the dark choices, whichever suit ``palette``."""
    return DARK if is_dark(palette) else LIGHT


def _text_backgrounds(palette: QPalette) -> list[QColor]:
    """Labels sit on the window and in lists and tables (the base): text must read on both."""
    return [palette.color(Role.Window), palette.color(Role.Base)]


def muted_text(palette: QPalette) -> QColor:
    """Secondary text (explanations, notes): the text colour softened towards the window."""
    softened = mix(palette.color(Role.Text), palette.color(Role.Window), 0.35)
    return ensure_contrast(softened, _text_backgrounds(palette), TEXT_CONTRAST)


def accent_text(palette: QPalette) -> QColor:
    """Text that stands out (the next step's hint, a run being trained elsewhere)."""
    return ensure_contrast(scheme(palette).accent, _text_backgrounds(palette), TEXT_CONTRAST)


def banner_colours(palette: QPalette, kind: str) -> tuple[QColor, QColor]:
    """A message strip's background and its text (also its border), for ``kind`` in :data:`BANNER_KINDS`."""
    background, text = scheme(palette).banners[kind]
    return QColor(background), ensure_contrast(text, background, TEXT_CONTRAST)


def selection_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """The system's highlight and its text, the highlight deepened where the pair reads poorly."""
    text = palette.color(Role.HighlightedText)
    return ensure_contrast(palette.color(Role.Highlight), text, TEXT_CONTRAST), text


def sidebar_background(palette: QPalette) -> QColor:
    """The step list's background: between the window and the base, so it reads as its own column."""
    return mix(palette.color(Role.Window), palette.color(Role.Base), 0.5)


def placeholder_fill(palette: QPalette) -> QColor:
    """The grey square a thumbnail shows while its photo is read."""
    return mix(palette.color(Role.Base), palette.color(Role.Text), 0.07)


def frame_line(palette: QPalette) -> QColor:
    """Outlines such as the dashed drop zone, on the window."""
    line = mix(palette.color(Role.Window), palette.color(Role.Text), 0.4)
    return ensure_contrast(line, palette.color(Role.Window), GRAPHIC_CONTRAST)


# ---- plots -------------------------------------------------------------------------------------

def plot_background(palette: QPalette) -> QColor:
    """A plot's background: the base, like other views of data."""
    return palette.color(Role.Base)


def plot_text(palette: QPalette) -> QColor:
    """A plot's axes, ticks, labels and title."""
    softened = mix(palette.color(Role.Text), plot_background(palette), 0.2)
    return ensure_contrast(softened, plot_background(palette), TEXT_CONTRAST)


def plot_muted_text(palette: QPalette) -> QColor:
    """Hints and marker lines inside a plot."""
    softened = mix(palette.color(Role.Text), plot_background(palette), 0.45)
    return ensure_contrast(softened, plot_background(palette), TEXT_CONTRAST)


def series_colours(palette: QPalette) -> list[QColor]:
    """Curve colours, distinct from each other, each at least 3:1 against the plot and the window (where
    the legend shows them)."""
    return [series_colour(palette, index) for index in range(len(scheme(palette).series))]


def series_colour(palette: QPalette, index: int) -> QColor:
    """The ``index``-th curve's colour (repeating after eight)."""
    series = scheme(palette).series
    backgrounds = [plot_background(palette), palette.color(Role.Window)]
    return ensure_contrast(series[index % len(series)], backgrounds, GRAPHIC_CONTRAST)


def faded_series_colour(palette: QPalette, index: int) -> QColor:
    """A quieter version of a curve's colour, for its noisy per-batch companion (still 3:1)."""
    faded = mix(series_colour(palette, index), plot_background(palette), 0.4)
    return ensure_contrast(faded, [plot_background(palette), palette.color(Role.Window)], GRAPHIC_CONTRAST)


# ---- bars and cells in tables ------------------------------------------------------------------

def bar_text(palette: QPalette) -> QColor:
    """The percentage or count written over a bar."""
    return palette.color(Role.Text)


def bar_track(palette: QPalette) -> QColor:
    """The empty part of a probability bar."""
    track = mix(palette.color(Role.Base), palette.color(Role.Text), 0.1)
    return ensure_contrast(track, bar_text(palette), TEXT_CONTRAST)


def bar_fill(palette: QPalette, key: int | str | None = None) -> QColor:
    """A bar's filled part: ``key`` is a class's index (its colour) or a grade (:data:`GRADES`);
    the text on it keeps 4.5:1."""
    choices = scheme(palette)
    if isinstance(key, str):
        colour = choices.grade_bars[key]
    else:
        colour = choices.class_bars[(key or 0) % len(choices.class_bars)]
    return ensure_contrast(colour, bar_text(palette), TEXT_CONTRAST)


def count_bar(palette: QPalette) -> QColor:
    """The bar behind a photo count in step 1."""
    return ensure_contrast(scheme(palette).count_bar, bar_text(palette), TEXT_CONTRAST)


def matrix_cell(palette: QPalette, correct: bool, share: float) -> QColor:
    """A confusion-matrix cell: green on the diagonal, red off it, stronger for a larger share of its
    row (0..1); its count stays readable."""
    choices = scheme(palette)
    tinted = mix(palette.color(Role.Base), choices.correct if correct else choices.wrong, 0.08 + 0.6 * share)
    return ensure_contrast(tinted, bar_text(palette), TEXT_CONTRAST)


# ---- following the system ----------------------------------------------------------------------

def dark_palette() -> QPalette:
    """A dark palette in the manner of Fusion's, for tests and screenshots.

    On a desktop the system supplies the palette; the app never sets one itself.
    """
    window, text = QColor("#2b2b2b"), QColor("#e8e8e8")
    palette = QPalette()
    for role, colour in {
        Role.Window: window, Role.WindowText: text, Role.Base: QColor("#1f1f1f"),
        Role.AlternateBase: QColor("#262626"), Role.Text: text, Role.BrightText: QColor("#ff6b6b"),
        Role.Button: window, Role.ButtonText: text, Role.Light: window.lighter(150),
        Role.Midlight: window.lighter(125), Role.Mid: window.darker(130), Role.Dark: window.darker(150),
        Role.Shadow: QColor("#0e0e0e"), Role.Highlight: QColor("#2f6db5"), Role.HighlightedText: QColor("#ffffff"),
        Role.Link: QColor("#8ab4f8"), Role.LinkVisited: QColor("#c58af9"), Role.ToolTipBase: QColor("#3a3a3a"),
        Role.ToolTipText: text, Role.PlaceholderText: QColor("#9a9a9a"),
    }.items():
        palette.setColor(role, colour)
    disabled = QPalette.ColorGroup.Disabled
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(disabled, role, QColor("#808080"))
    palette.setColor(disabled, Role.Highlight, QColor("#505050"))
    return palette


def inherited_palette(widget: QWidget) -> QPalette:
    """The palette ``widget`` gets from its parent (the application's for a window): the one to decide
    its colours from, as roles it sets on itself would otherwise feed back into the decision."""
    parent = widget.parentWidget()
    return parent.palette() if parent is not None else QApplication.palette(widget)


def set_text_colour(widget: QWidget, colour: QColor) -> None:
    """Draw ``widget``'s text in ``colour`` while enabled; disabled, it greys like any other text."""
    palette = widget.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, Role.WindowText, colour)
        palette.setColor(group, Role.Text, colour)
    widget.setPalette(palette)


class PaletteFollower(QObject):
    """Calls ``apply(palette)`` whenever the watched widget's palette changes (see :func:`follow_palette`)."""

    def __init__(self, widget: QWidget, apply):
        super().__init__(widget)
        self._widget = widget
        self._apply = apply
        self._applying = False
        widget.installEventFilter(self)

    def apply(self) -> None:
        if self._applying:
            return  # roles set by apply() change the palette too
        self._applying = True
        try:
            self._apply(inherited_palette(self._widget))
        finally:
            self._applying = False

    def eventFilter(self, watched, event) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.PaletteChange:
            self.apply()
        return False


def follow_palette(widget: QWidget, apply) -> PaletteFollower:
    """Call ``apply(palette)`` now and every time ``widget``'s palette changes, as when the system
    switches between light and dark.

    ``widget`` must be styled without a style sheet: a style sheet fixes its palette, and it would miss
    the change. The follower is ``widget``'s child and goes with it.

    Parameters
    ----------
    widget
        The widget to watch.
    apply
        Called with :func:`inherited_palette` of ``widget``; it may set colours on ``widget`` and its children.

    Returns
    -------
    PaletteFollower
    """
    follower = PaletteFollower(widget, apply)
    follower.apply()
    return follower
