"""The window's colours: taken from the system's palette, light or dark, readable in both (WCAG AA),
and following a switch while the app runs."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from catdog_gui.gui import colours
from catdog_gui.gui.colours import GRAPHIC_CONTRAST, TEXT_CONTRAST, contrast_ratio

Role = QPalette.ColorRole


def light_palette() -> QPalette:
    return QApplication.style().standardPalette()  # Fusion's light palette, offscreen


PALETTES = {"light": light_palette, "dark": colours.dark_palette}


@pytest.fixture(params=list(PALETTES))
def palette(request, qapp) -> QPalette:
    return PALETTES[request.param]()


def text_pairs(palette: QPalette):
    """Every text colour the module hands out, with each background it is drawn on."""
    window, base = palette.color(Role.Window), palette.color(Role.Base)
    yield "muted text", colours.muted_text(palette), [window, base]
    yield "accent text", colours.accent_text(palette), [window, base]
    for kind in colours.BANNER_KINDS:
        background, text = colours.banner_colours(palette, kind)
        yield f"{kind} banner", text, [background]
    highlight, highlighted_text = colours.selection_colours(palette)
    yield "selected step", highlighted_text, [highlight]
    yield "plot text", colours.plot_text(palette), [colours.plot_background(palette)]
    yield "plot hint", colours.plot_muted_text(palette), [colours.plot_background(palette)]
    bars = [colours.bar_track(palette), colours.count_bar(palette)]
    bars += [colours.bar_fill(palette, index) for index in range(8)]
    bars += [colours.bar_fill(palette, grade) for grade in colours.GRADES]
    yield "text on bars", colours.bar_text(palette), bars
    cells = [colours.matrix_cell(palette, correct, share / 20) for correct in (True, False) for share in range(21)]
    yield "confusion-matrix counts", colours.bar_text(palette), cells


def test_contrast_ratio_follows_the_wcag_formula():
    assert colours.relative_luminance("#ffffff") == pytest.approx(1.0)
    assert colours.relative_luminance("#000000") == pytest.approx(0.0)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)  # either order
    assert contrast_ratio("#1f77b4", "#1f77b4") == pytest.approx(1.0)
    # Known values: #777 on white just fails AA; #767676 is the lightest grey that passes.
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_the_two_palettes_are_what_they_claim(qapp):
    assert not colours.is_dark(light_palette())
    assert colours.is_dark(colours.dark_palette())
    assert colours.scheme(colours.dark_palette()) is colours.DARK


def test_every_text_colour_meets_wcag_aa_on_its_background(palette):
    for name, text, backgrounds in text_pairs(palette):
        for background in backgrounds:
            ratio = contrast_ratio(text, background)
            assert ratio >= TEXT_CONTRAST, f"{name} {text.name()} on {background.name()}: {ratio:.2f}"


def test_curves_and_outlines_meet_3_to_1_and_curves_differ(palette):
    backgrounds = [colours.plot_background(palette), palette.color(Role.Window)]  # the plot, the legend
    curves = colours.series_colours(palette) + [colours.faded_series_colour(palette, i) for i in range(2)]
    for curve in curves:
        for background in backgrounds:
            assert contrast_ratio(curve, background) >= GRAPHIC_CONTRAST, (curve.name(), background.name())
    assert len({colour.name() for colour in colours.series_colours(palette)}) == 8
    assert contrast_ratio(colours.frame_line(palette), palette.color(Role.Window)) >= GRAPHIC_CONTRAST


def test_the_chosen_colours_need_no_correction_on_the_reference_palettes(palette):
    """The light and dark choices pass as chosen: the safety net is for unusual system palettes only."""
    choices = colours.scheme(palette)
    window, base, text = palette.color(Role.Window), palette.color(Role.Base), palette.color(Role.Text)
    assert colours.accent_text(palette).name() == choices.accent
    assert [c.name() for c in colours.series_colours(palette)] == list(choices.series)
    assert [colours.bar_fill(palette, i).name() for i in range(8)] == list(choices.class_bars)
    for kind, (background, foreground) in choices.banners.items():
        assert colours.banner_colours(palette, kind)[1].name() == foreground
    assert min(contrast_ratio(choices.accent, b) for b in (window, base)) >= TEXT_CONTRAST
    assert min(contrast_ratio(c, text) for c in choices.grade_bars.values()) >= TEXT_CONTRAST


def test_an_unusual_system_palette_still_gets_readable_colours(qapp):
    palette = QPalette(QColor("#7a7a7a"))  # a mid-grey window, where the light and dark choices both fail
    palette.setColor(Role.Base, QColor("#808080"))
    assert contrast_ratio(colours.scheme(palette).accent, palette.color(Role.Window)) < TEXT_CONTRAST
    for name, text, backgrounds in text_pairs(palette):
        if name in ("muted text", "accent text", "plot text", "plot hint"):
            assert min(contrast_ratio(text, b) for b in backgrounds) >= TEXT_CONTRAST, name


def test_ensure_contrast_changes_a_colour_only_as_much_as_needed():
    good = QColor("#174ea6")
    assert colours.ensure_contrast(good, QColor("#ffffff"), TEXT_CONTRAST) == good
    fixed = colours.ensure_contrast(QColor("#ff7f0e"), [QColor("#ffffff")], TEXT_CONTRAST)
    assert contrast_ratio(fixed, "#ffffff") >= TEXT_CONTRAST
    assert contrast_ratio(fixed, "#ffffff") < TEXT_CONTRAST + 1.0  # darkened, not turned black
    assert fixed.red() > fixed.blue()  # still an orange


def _luminance_at(widget, x: int, y: int) -> float:
    return colours.relative_luminance(widget.grab().toImage().pixelColor(x, y))


def test_switching_the_system_palette_at_runtime_recolours_the_window(window, qtbot):
    app = QApplication.instance()
    original = QApplication.palette()
    steps = window.steps
    plots = [window.training_panel.loss_plot, window.runs_panel.accuracy_plot]
    window.data_panel.banner.show_message("A message", "info")
    below_the_steps = (steps.width() // 2, steps.height() - 5)
    assert _luminance_at(steps, *below_the_steps) > 0.7
    assert all(colours.relative_luminance(plot.backgroundBrush().color()) > 0.7 for plot in plots)
    try:
        app.setPalette(colours.dark_palette())
        qtbot.waitUntil(lambda: _luminance_at(steps, *below_the_steps) < 0.05, timeout=5000)
        item = steps.visualItemRect(steps.currentItem())  # the step shown, right of its text
        highlight = steps.grab().toImage().pixelColor(item.right() - 20, item.center().y())
        assert highlight.name() == colours.selection_colours(colours.dark_palette())[0].name()
        for plot in plots:
            assert colours.relative_luminance(plot.backgroundBrush().color()) < 0.05
            assert colours.relative_luminance(plot.grab().toImage().pixelColor(3, 3)) < 0.05
            axis = plot.getPlotItem().getAxis("left")
            assert contrast_ratio(axis.textPen().color(), plot.backgroundBrush().color()) >= TEXT_CONTRAST
        banner = window.data_panel.banner
        assert colours.relative_luminance(banner.grab().toImage().pixelColor(banner.width() // 2, 2)) < 0.1
        # Nothing stays dark-on-dark: every label's text reads on the dark window.
        dark_window = colours.dark_palette().color(Role.Window)
        labels = [label for label in window.findChildren(QLabel) if not label.isHidden() and label.isEnabled()]
        assert len(labels) > 20
        for label in labels:
            text = label.palette().color(label.foregroundRole())
            assert contrast_ratio(text, dark_window) >= TEXT_CONTRAST, (label.text()[:40], text.name())
    finally:
        app.setPalette(original)
    qtbot.waitUntil(lambda: _luminance_at(steps, *below_the_steps) > 0.7, timeout=5000)
    assert colours.relative_luminance(plots[0].backgroundBrush().color()) > 0.7
