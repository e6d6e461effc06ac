"""What keyboards and screen readers need from the window: mnemonic letters, tab chains, and the words
that the drawn widgets (probability bars, thumbnails, plots, confusion-matrix cells) are read out with.

Only words are made here; the panels set them (``setAccessibleName``, ``AccessibleTextRole``) where
they build or fill their widgets, so that a later translation pass finds every sentence whole.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QWidget

from . import i18n

_MARKER = re.compile(r"&(.)")


def mnemonic_letter(text: str) -> str | None:
    """The mnemonic letter of a button's or menu entry's text, lower case; None without one.

    ``"&Open"`` and ``"Sa&ve as CSV…"`` have ``"o"`` and ``"v"``; ``"Cats && dogs"`` has none (``&&``
    is an ampersand shown as it is).
    """
    index = 0
    while (index := text.find("&", index)) >= 0 and index + 1 < len(text):
        if text[index + 1] != "&":
            return text[index + 1].lower()
        index += 2
    return None


def plain_text(text: str) -> str:
    """``text`` as shown, without its mnemonic marker (``"&&"`` is one ampersand)."""
    return _MARKER.sub(r"\1", text)


def set_tab_chain(*widgets: QWidget) -> None:
    """Tab moves through ``widgets`` in this order (from the first, which stays where it is)."""
    for before, after in zip(widgets, widgets[1:]):
        QWidget.setTabOrder(before, after)


def percent_words(share: float) -> str:
    """A share as spoken: ``"97 percent"``; one decimal where rounding would say 0 or 100 wrongly."""
    percent = 100 * share
    decimals = 1 if round(percent) in (0, 100) and 0 < share < 1 else 0
    return i18n.fill(QCoreApplication.translate("accessible", "%1 percent"),
                     QLocale().toString(float(percent), "f", decimals))


def probability_name(label: str, share: float) -> str:
    """A probability bar as read out: ``"dogs, 97 percent"``."""
    return f"{label}, {percent_words(share)}"


def thumbnail_name(path: str, caption: str = "") -> str:
    """A thumbnail as read out: its file, then its caption on one line (``"cat.12.jpg, cats"``)."""
    name = Path(path).name
    caption = " ".join(caption.split())
    return f"{name}, {caption}" if caption else name


def confusion_cell_name(truth: str, said: str, count: int) -> str:
    """A confusion-matrix cell as read out: ``"true cats, predicted dogs: 12 photos"``."""
    return i18n.fill(QCoreApplication.translate("accessible", "true %1, predicted %2: %n photo(s)", None, count),
                     truth, said)


def metric_words(value: float) -> str:
    """A loss or an accuracy as read out: two decimals, or three significant digits when small."""
    if not math.isfinite(value):
        return QCoreApplication.translate("accessible", "not a number")
    if abs(value) >= 0.1:
        return QLocale().toString(float(value), "f", 2)
    return QLocale().toString(float(value), "g", 3)


def epoch_values_text(title: str, training: float | None, validation: float | None, epoch: int,
                      epochs: int | None = None) -> str:
    """A training plot's latest values: ``"Accuracy per epoch: training 0.91, validation 0.88 at epoch
    5 of 10"``."""
    if training is None or validation is None:
        return i18n.fill(QCoreApplication.translate("accessible", "%1: no epoch has finished yet"), title)
    training, validation = metric_words(training), metric_words(validation)
    if epochs:
        text = QCoreApplication.translate("accessible", "%1: training %2, validation %3 at epoch %4 of %5")
        return i18n.fill(text, title, training, validation, epoch, epochs)
    text = QCoreApplication.translate("accessible", "%1: training %2, validation %3 at epoch %4")
    return i18n.fill(text, title, training, validation, epoch)


def run_curves_text(title: str, runs: list[tuple[str, float | None, int]]) -> str:
    """A plot of several runs: each run's last validation value, ``[(run label, value, epochs)]``."""
    if not runs:
        return i18n.fill(QCoreApplication.translate("accessible", "%1: no run selected"), title)
    measured = QCoreApplication.translate("accessible", "%1, validation %2 at epoch %3")
    waiting = QCoreApplication.translate("accessible", "%1, no epoch yet")
    parts = [i18n.fill(measured, label, metric_words(value), epochs) if value is not None
             else i18n.fill(waiting, label) for label, value, epochs in runs]
    return i18n.fill(QCoreApplication.translate("accessible", "%1: %2", "a plot's title, then its runs"), title,
                     "; ".join(parts))
